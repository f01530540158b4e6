from django.contrib import admin

from .models import Consent, FollowUp, Household, PastDeparture, Person


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["reference", "commune", "qf_cents", "created_at"]
    list_filter = ["commune"]
    search_fields = ["reference", "persons__last_name"]
    readonly_fields = ["qf_cents", "qf_parts", "reference"]
    inlines = [PersonInline, FollowUpInline]
    list_select_related = ["commune"]


admin.site.register(PastDeparture)
admin.site.register(Consent)
