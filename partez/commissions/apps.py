from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "partez.commissions"
    verbose_name = "Commissions d'attribution"
