from django.apps import AppConfig
from django.db.models.signals import post_save


class TerritoryConfig(AppConfig):
    name = "partez.territory"
    verbose_name = "Territoire et éditions"

    def ready(self) -> None:
        from partez.core import audit_text

        from .models import Commune, Edition
        from .selectors import forget_current_edition

        post_save.connect(forget_current_edition, sender=Edition, dispatch_uid="territory-current-edition")
        audit_text.register(
            "territory.commune", noun="la commune", labels=audit_text.column_labels(Commune, "name")
        )
