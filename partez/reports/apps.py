from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "partez.reports"
    verbose_name = "Bilan, rapports aux financeurs et enquête de satisfaction"

    def ready(self):
        from . import handlers  # noqa: F401  (registers the export job kind)
