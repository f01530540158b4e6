"""``manage.py family_link --household ID``: a new link into the household's space, printed
alone on the last line (operations and tests); same expiry, daily limit and audit as the UI's."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partez.core.errors import DomainError
from partez.family import services
from partez.households.models import Household


class Command(BaseCommand):
    help = "Crée un nouveau lien d'accès à l'espace famille d'un foyer et l'affiche."

    def add_arguments(self, parser):
        parser.add_argument("--household", type=int, required=True, help="identifiant du foyer")
        parser.add_argument("--base-url", default="", help="adresse du site (par défaut PUBLIC_BASE_URL)")

    def handle(self, *args, household, base_url, **options):
        found = Household.objects.filter(pk=household).first()
        if found is None:
            raise CommandError(f"Foyer {household} introuvable.")
        base = base_url or settings.PUBLIC_BASE_URL or "http://127.0.0.1:8000"
        try:
            link = services.access_link_for_operations(household=found, base_url=base)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Lien valable {services.value('link_validity_days')} jours pour le foyer {found.reference} :"
        )
        self.stdout.write(link)
