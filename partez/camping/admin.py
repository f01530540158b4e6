"""Setting up the séjour commun (campsites, units, weeks, quotas, pick-up points) in the admin.

Placements, buses and participants are written by the services only (plan, moves, locks), so
they are read-only here."""

from django.contrib import admin

from .models import (
    AccommodationUnit,
    BusTrip,
    CampingPlan,
    CampingWeek,
    Campsite,
    CommuneQuota,
    Participant,
    PickupPoint,
)


class UnitInline(admin.TabularInline):
    model = AccommodationUnit
    extra = 1


class WeekInline(admin.TabularInline):
    model = CampingWeek
    extra = 1


@admin.register(Campsite)
class CampsiteAdmin(admin.ModelAdmin):
    list_display = ["name", "town", "edition", "host"]
    list_filter = ["edition"]
    inlines = [UnitInline, WeekInline]


@admin.register(CampingPlan)
class CampingPlanAdmin(admin.ModelAdmin):
    list_display = ["edition", "bus_seats", "bus_max_stops", "planned_at"]
    fields = [
        "edition",
        "bus_seats",
        "bus_max_stops",
        "minutes_between_stops",
        "contact_name",
        "contact_phone",
        "what_to_bring",
    ]


@admin.register(CommuneQuota)
class CommuneQuotaAdmin(admin.ModelAdmin):
    list_display = ["commune", "edition", "people"]
    list_filter = ["edition"]


@admin.register(PickupPoint)
class PickupPointAdmin(admin.ModelAdmin):
    list_display = ["commune", "place", "departure_time", "return_time", "edition"]
    list_filter = ["edition"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(ReadOnly):
    list_display = ["household", "people", "needs_accessible", "cancelled_at"]
    list_filter = ["edition"]
    list_select_related = ["household"]


@admin.register(BusTrip)
class BusTripAdmin(ReadOnly):
    list_display = ["week", "number", "passengers"]
