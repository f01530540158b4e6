"""Read-only: households and their people change only through partez.households.services (the
web pages and the API), which validate, check the role and write the audit log."""

from django.contrib import admin

from partez.core.admin import PersonalDataAdmin, ReadOnlyInline

from .models import Consent, FollowUp, Household, PastDeparture, Person


class PersonInline(ReadOnlyInline):
    model = Person
    exclude = ["search_name"]


class FollowUpInline(ReadOnlyInline):
    model = FollowUp


@admin.register(Household)
class HouseholdAdmin(PersonalDataAdmin):
    list_display = ["reference", "commune", "qf_cents", "created_at", "anonymised_at"]
    list_filter = ["commune"]
    search_fields = ["reference", "persons__last_name"]
    inlines = [PersonInline, FollowUpInline]
    list_select_related = ["commune"]


@admin.register(PastDeparture)
class PastDepartureAdmin(PersonalDataAdmin):
    list_display = ["person", "year", "scheme"]


@admin.register(Consent)
class ConsentAdmin(PersonalDataAdmin):
    list_display = ["household", "collected_at", "revoked_at"]
