from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "partez.imports"
    verbose_name = "Import de fichiers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the import job's handler)
