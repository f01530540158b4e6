from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "partez.family"
    verbose_name = "Espace des familles"
    default_auto_field = "django.db.models.BigAutoField"
