from django.contrib import admin

from .models import ApiToken, Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "organisation"
    raw_id_fields = ["user"]
    readonly_fields = ["deactivated_at", "deactivated_by"]

    def has_delete_permission(self, request, obj=None):
        return False  # memberships are deactivated, never deleted


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at"]
    exclude = ["token"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "membership", "prefix", "created_at", "revoked_at"]
    exclude = ["key_hash"]
