from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "partez.reports"
    verbose_name = "Bilan, rapports aux financeurs et enquête de satisfaction"
