from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "partez.households"
    verbose_name = "Foyers et personnes"
