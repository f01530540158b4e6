from django.contrib import admin

from .models import BudgetLine, ChecklistItem, JournalEntry, Project


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["reference", "format", "status", "edition", "organisation", "start_date"]
    list_filter = ["status", "format", "edition"]
    search_fields = ["reference", "household__reference"]
    # The status changes only through the workflow service (with its checks and audit log).
    readonly_fields = ["status", "reference"]
    raw_id_fields = ["household", "travellers"]
    inlines = [BudgetLineInline, ChecklistInline]
    list_select_related = ["edition", "organisation"]


admin.site.register(JournalEntry)
