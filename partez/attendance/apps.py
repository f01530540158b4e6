from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "partez.attendance"
    verbose_name = "Pointage (formations, ateliers, cérémonies)"
    default_auto_field = "django.db.models.BigAutoField"
