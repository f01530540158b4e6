from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "partez.organisations"
    verbose_name = "Organisations et adhésions"
