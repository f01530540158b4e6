from django.apps import AppConfig


class AccompanimentConfig(AppConfig):
    name = "partez.accompaniment"
    verbose_name = "Accompagnement des familles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from partez.attendance import registry
        from partez.projects import checks

        from . import perms, services

        registry.register(
            services.WORKSHOP_KIND, can_scan=perms.can_scan_workshop, on_checkin=services.workshop_checked_in
        )
        checks.register_validation_check(services.transport_errors)
