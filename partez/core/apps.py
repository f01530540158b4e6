from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "partez.core"
    verbose_name = "Socle"
