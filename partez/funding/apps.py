from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "partez.funding"
    verbose_name = "Enveloppes et plans de financement"

    def ready(self):
        from . import campaign  # noqa: F401  (registers the allocation job kinds)
