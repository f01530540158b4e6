from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "partez.privacy"
    verbose_name = "Données personnelles (conservation, accès, effacement)"
