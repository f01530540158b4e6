"""Read-only admin: envelopes, quotas, plans and the ledger change only through
partez.funding.services (the web pages), which lock the counters and write the ledger."""

from django.contrib import admin

from .models import Commitment, Envelope, EnvelopeQuota, FinancingPlan, PlanLine


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuotaInline(admin.TabularInline):
    model = EnvelopeQuota
    fields = readonly_fields = ("commune", "amount_cents", "reserved_cents", "consumed_cents")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Envelope)
class EnvelopeAdmin(ReadOnlyAdmin):
    list_display = [
        "label",
        "funder",
        "scheme",
        "edition",
        "amount_cents",
        "reserved_cents",
        "consumed_cents",
    ]
    list_filter = ["edition", "funder"]
    list_select_related = ["funder", "scheme", "edition"]
    inlines = [QuotaInline]


class PlanLineInline(admin.TabularInline):
    model = PlanLine
    fields = readonly_fields = (
        "order",
        "scheme",
        "funder",
        "envelope",
        "quota",
        "aid_cents",
        "base_cents",
        "computation",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FinancingPlan)
class FinancingPlanAdmin(ReadOnlyAdmin):
    list_display = ["project", "status", "is_current", "total_aid_cents", "remaining_cents", "chosen_at"]
    list_filter = ["status", "is_current"]
    list_select_related = ["project"]
    inlines = [PlanLineInline]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "envelope", "quota", "project", "amount_cents", "actor"]
    list_filter = ["kind", "envelope"]
    list_select_related = ["envelope", "quota__commune", "quota__envelope", "project", "actor"]
