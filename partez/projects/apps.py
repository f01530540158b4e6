from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "partez.projects"
    verbose_name = "Projets de départ"

    def ready(self) -> None:
        from . import audit_labels

        audit_labels.register()
