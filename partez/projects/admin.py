"""Read-only: projects, their budget, checklist and journal change only through
partez.projects.services (workflow checks, roles, audit log)."""

from django.contrib import admin

from partez.core.admin import PersonalDataAdmin, ReadOnlyInline

from .models import BudgetLine, ChecklistItem, JournalEntry, Project


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine


class ChecklistInline(ReadOnlyInline):
    model = ChecklistItem


@admin.register(Project)
class ProjectAdmin(PersonalDataAdmin):
    list_display = ["reference", "format", "status", "edition", "organisation", "start_date"]
    list_filter = ["status", "format", "edition"]
    search_fields = ["reference", "household__reference"]
    raw_id_fields = ["household", "travellers"]
    inlines = [BudgetLineInline, ChecklistInline]
    list_select_related = ["edition", "organisation"]


@admin.register(JournalEntry)
class JournalEntryAdmin(PersonalDataAdmin):
    list_display = ["project", "kind", "created_at", "organisation"]
    list_select_related = ["project", "organisation"]
