from django.contrib import admin

from .models import Commune, Edition, Milestone


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "population"]
    search_fields = ["name", "insee_code"]
    exclude = ["geometry"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "starts_on", "ends_on"]
    filter_horizontal = ["communes"]
    inlines = [MilestoneInline]
