"""Admin: the logs, and the read-only base for personal data.

Personal data (households, persons, consents, follow-ups, projects, journal notes) change only
through the services (validation, roles, audit): the admin shows them read-only, and every
opening of one of their pages is recorded in the access log, like the professional pages."""

from django.contrib import admin

from . import audit
from .models import AccessLog, AuditLog


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class PersonalDataAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only; each page of one object is recorded (``read.<model>_admin``) in the access log."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code == 200:
            audit.record_read(
                actor=request.user,
                organisation=None,
                action=f"read.{obj._meta.model_name}_admin",
                obj=obj,
            )
        return response


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "organisation", "action", "object_type", "object_id", "seq"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "organisation", "action", "object_type", "object_id", "seq"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]
