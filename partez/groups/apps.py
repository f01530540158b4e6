from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "partez.groups"
    verbose_name = "Départs en groupe (Sac Ados, Seniors en Vacances)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partez.attendance import registry

        from . import perms, services

        # the Sac Ados ceremony's door: scanned by the coordination and the relays whose young
        # people receive a pack there; a check-in marks the member present for the hand-over
        registry.register(
            CEREMONY_KIND, can_scan=perms.can_scan_ceremony, on_checkin=services.ceremony_checked_in
        )


CEREMONY_KIND = "groups.ceremony"
