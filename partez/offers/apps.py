from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "partez.offers"
    verbose_name = "Offres d'hébergement (BSV, semaines données)"

    def ready(self):
        from . import matching_jobs  # noqa: F401  (registers the matching job kinds)
