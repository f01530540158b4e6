from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "partez.organisations"
    verbose_name = "Organisations et adhésions"

    def ready(self) -> None:
        from partez.core import audit_text

        from .models import Organisation

        audit_text.register(
            "organisations.organisation",
            noun="l'organisation",
            labels=audit_text.column_labels(Organisation, "name"),
        )
