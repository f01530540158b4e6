from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "partez.funding"
    verbose_name = "Enveloppes et plans de financement"

    def ready(self):
        from partez.core import audit_text

        from . import campaign  # noqa: F401  (registers the allocation job kinds)
        from .models import Envelope

        audit_text.register(
            "funding.envelope", noun="l'enveloppe", labels=audit_text.column_labels(Envelope, "label")
        )
