from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "partez.family"
    verbose_name = "Espace des familles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partez.core import audit

        audit.ACTION_LABELS.update(ACTION_LABELS)
        from . import selectors

        selectors.register_next_step(accompaniment_next_step)


def accompaniment_next_step(project):
    """The next step of the family's accompaniment plan (partez.accompaniment, issue 20), shown
    first on its home page when there is one."""
    from partez.accompaniment import selectors as accompaniment_selectors

    from .plain import NextStep

    text = accompaniment_selectors.next_step_for(project.household)
    return None if text is None else NextStep("Votre prochaine étape", (text,), "", "info")


# The audit log's French words for the families' space (added to partez.core.audit's table).
ACTION_LABELS = {
    "consent.collect": "Consentement recueilli",
    "family_access.grant": "Accès à l'espace famille donné",
    "family_access.revoke": "Accès à l'espace famille retiré",
    "family_access.open": "La famille est entrée dans son espace",
    "family_access.code_sent": "Code à usage unique envoyé par SMS à la famille",
    "family_access.refused": "Lien ou code de la famille refusé (expiré, retiré ou sans consentement)",
    "family_document.upload": "Papier envoyé par la famille",
    "family_proposal.create": "Proposition faite à la famille",
    "family_proposal.answer": "Réponse de la famille à une proposition",
    "family_wish.save": "Idées de vacances écrites par la famille",
    "family_story.save": "Récit de vacances écrit par la famille",
    "family_story.moderate": "Récit de la famille relu par la coordination",
}
