from django.apps import AppConfig


class FeteConfig(AppConfig):
    name = "partez.fete"
    verbose_name = "Fête des vacances"

    def ready(self):
        from . import jobs  # noqa: F401  (registers the invitations job kind)
