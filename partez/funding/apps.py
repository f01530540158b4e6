from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "partez.funding"
    verbose_name = "Enveloppes et plans de financement"
