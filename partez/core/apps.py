from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "partez.core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from .collation import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="partez-sort-key")
