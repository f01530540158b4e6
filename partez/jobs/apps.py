from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "partez.jobs"
    verbose_name = "Traitements en arrière-plan"

    def ready(self):
        from . import handlers  # noqa: F401  (registers the job kinds)
