"""``manage.py create_api_token USERNAME [--organisation SLUG] [--name NAME]``

Creates a personal API token through ``api_token_create`` and prints it alone on the last line
of stdout (so ``TOKEN=$(manage.py create_api_token alice | tail -n 1)`` works). The token is
bound to one membership: by default the user's first active membership by organisation name,
the same one the web app opens on.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partez.core.errors import DomainError
from partez.organisations.models import Membership
from partez.organisations.services import api_token_create


class Command(BaseCommand):
    help = "Crée un jeton d'API personnel et l'affiche seul sur la dernière ligne."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Identifiant de connexion de la personne.")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="Identifiant de l'organisation (par défaut : sa première adhésion active, par nom).",
        )
        parser.add_argument("--name", default="Jeton créé en ligne de commande", help="Nom du jeton.")

    def handle(self, *args, username, organisation=None, name="", **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Aucun compte « {username} ».")
        if not user.is_active:
            raise CommandError(f"Le compte « {username} » est désactivé.")
        memberships = Membership.objects.active().filter(user=user).select_related("organisation", "user")
        if organisation:
            membership = memberships.filter(organisation__slug=organisation).first()
            if membership is None:
                raise CommandError(
                    f"« {username} » n'a pas d'adhésion active dans l'organisation « {organisation} »."
                )
        else:
            membership = memberships.order_by("organisation__name", "organisation_id").first()
            if membership is None:
                raise CommandError(
                    f"« {username} » n'a aucune adhésion active : impossible de créer un jeton."
                )
        try:
            token, raw = api_token_create(membership=membership, name=name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Jeton « {token.name} » créé pour {username} — {membership.organisation.name} "
            f"({membership.get_role_display()}). Il ne sera plus affiché : conservez-le."
        )
        self.stdout.write(raw)
