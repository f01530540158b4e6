from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "partez.demo"
    verbose_name = "Édition de démonstration"
