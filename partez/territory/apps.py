from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "partez.territory"
    verbose_name = "Territoire et éditions"
