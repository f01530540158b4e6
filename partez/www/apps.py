from django.apps import AppConfig
from django.db.models.signals import post_save


class WwwConfig(AppConfig):
    name = "partez.www"
    verbose_name = "Application web"

    def ready(self):
        from partez.territory.models import Edition

        from .navigation import forget_no_edition

        post_save.connect(forget_no_edition, sender=Edition, dispatch_uid="www-navigation-edition")
