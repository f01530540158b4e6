"""Setting up the offers' sites and periods in the admin (the coordination).

Offers are written through their form or the import (``services.offer_save``), bookings and
matchings by the services only (locks, the social-mix rule, the audit log): read-only here."""

from django.contrib import admin

from .models import Booking, MatchRun, Offer, Period, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "department", "host", "accessible", "reachable_without_car"]
    list_filter = ["department", "accessible", "reachable_without_car"]
    search_fields = ["name", "commune"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "edition", "start_date", "end_date", "school_holidays"]
    list_filter = ["edition", "school_holidays"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Offer)
class OfferAdmin(ReadOnly):
    list_display = ["reference", "kind", "site", "period", "beds", "withdrawn"]
    list_filter = ["kind", "period"]
    search_fields = ["reference", "site__name"]


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    list_display = ["reference", "offer", "organisation", "status", "people"]
    list_filter = ["status"]
    search_fields = ["reference"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnly):
    list_display = ["pk", "edition", "status", "created_at"]
