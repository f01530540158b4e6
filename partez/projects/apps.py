from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "partez.projects"
    verbose_name = "Projets de départ"
