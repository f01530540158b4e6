from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "partez.accounts"
    verbose_name = "Comptes et sécurité"

    def ready(self):
        from partez.core import audit

        from . import signals  # noqa: F401  (logins, failed logins and logouts go to the audit log)

        audit.ACTION_LABELS.update(ACTION_LABELS)


# The audit log's French words for the account events (added to partez.core.audit's table).
ACTION_LABELS = {
    "login": "Connexion",
    "login.failed": "Connexion refusée (mot de passe ou blocage)",
    "logout": "Déconnexion",
    "login.second_factor": "Second facteur vérifié",
    "login.second_factor_failed": "Second facteur : code refusé",
    "login.unlock": "Connexion débloquée par la coordination",
    "second_factor.enrol": "Second facteur activé",
    "second_factor.remove": "Second facteur supprimé",
    "second_factor.reset": "Second facteur réinitialisé par la coordination",
    "second_factor.recovery_codes": "Nouveaux codes de secours",
    "second_factor.policy": "Règles du second facteur modifiées",
    "password.change": "Mot de passe changé",
    "password.reset": "Mot de passe réinitialisé par e-mail",
}
