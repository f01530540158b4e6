from django.contrib import admin

from .models import Scheme, SchemeVersion


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "channel", "scope", "version", "is_active"]
    readonly_fields = [
        "definition",
        "version",
    ]  # rules change only through scheme_update (validated, versioned)


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ["scheme", "number", "created_by", "created_at"]
    readonly_fields = ["scheme", "number", "definition", "comment", "created_by", "created_at"]
