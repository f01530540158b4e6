from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "partez.network"
    verbose_name = "Réseau des acteurs locaux"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from partez.attendance import registry

        from . import perms, services

        # a training's or an event's door: its registrations become attendances
        registry.register(
            services.TRAINING_KIND, can_scan=perms.can_scan_network, on_checkin=services.mark_present
        )
        registry.register(
            services.EVENT_KIND, can_scan=perms.can_scan_network, on_checkin=services.mark_present
        )
