from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "partez.schemes"
    verbose_name = "Dispositifs et règles"
