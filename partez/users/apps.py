from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "partez.users"
    verbose_name = "Utilisateurs"
