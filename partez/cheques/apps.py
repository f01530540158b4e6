from django.apps import AppConfig


class ChequesConfig(AppConfig):
    name = "partez.cheques"
    verbose_name = "Chèques-vacances"
