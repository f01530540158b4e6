from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "partez.households"
    verbose_name = "Foyers et personnes"

    def ready(self) -> None:
        from . import audit_labels

        audit_labels.register()
