from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "organisation", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
