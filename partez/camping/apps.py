from django.apps import AppConfig


class CampingConfig(AppConfig):
    name = "partez.camping"
    verbose_name = "Séjour commun (camping)"
