from django.apps import AppConfig


class CampingConfig(AppConfig):
    name = "partez.camping"
    verbose_name = "Séjour commun (camping)"

    def ready(self):
        from . import documents, services  # noqa: F401  (register the job kinds)
