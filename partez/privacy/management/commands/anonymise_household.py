"""Erasure on request, at once: ``manage.py anonymise_household --household ID [--reason TEXT]``."""

from django.core.management.base import BaseCommand, CommandError

from partez.core.errors import DomainError
from partez.households.models import Household
from partez.privacy.anonymise import household_anonymise


class Command(BaseCommand):
    help = "Anonymise un foyer maintenant (droit à l'effacement), comme le fait la conservation."

    def add_arguments(self, parser):
        parser.add_argument("--household", type=int, required=True, help="identifiant du foyer")
        parser.add_argument("--reason", default="demande d'effacement", help="motif (sans nom de personne)")

    def handle(self, *args, household, reason, **options):
        found = Household.objects.filter(pk=household).first()
        if found is None:
            raise CommandError(f"Aucun foyer n° {household}.")
        try:
            done = household_anonymise(actor=None, household=found, reason=reason)
        except DomainError as exc:
            raise CommandError(" ".join(exc.errors.values())) from exc
        self.stdout.write(
            f"Foyer {found.reference} anonymisé : {done.persons} personne(s), {done.journal_entries} note(s) "
            f"supprimée(s), {done.signatures} signature(s) effacée(s), {done.audit_entries} entrée(s) "
            "du journal d'audit anonymisée(s)."
        )
