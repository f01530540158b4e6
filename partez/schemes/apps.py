from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "partez.schemes"
    verbose_name = "Dispositifs et règles"

    def ready(self) -> None:
        from partez.core import audit_text

        from .models import Scheme

        audit_text.register(
            "schemes.scheme", noun="le dispositif", labels=audit_text.column_labels(Scheme, "name")
        )
