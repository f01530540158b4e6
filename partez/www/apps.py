from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "partez.www"
    verbose_name = "Application web"
