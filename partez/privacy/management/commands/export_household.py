"""The right of access: ``manage.py export_household --household ID --output FILE.zip``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partez.households.models import Household
from partez.privacy.export import household_file_export


class Command(BaseCommand):
    help = "Écrit tout le dossier d'un foyer dans un fichier ZIP (JSON + PDF lisible + signatures)."

    def add_arguments(self, parser):
        parser.add_argument("--household", type=int, required=True, help="identifiant du foyer")
        parser.add_argument("--output", required=True, help="fichier ZIP à écrire")

    def handle(self, *args, household, output, **options):
        found = Household.objects.filter(pk=household).first()
        if found is None:
            raise CommandError(f"Aucun foyer n° {household}.")
        content = household_file_export(actor=None, household=found)
        Path(output).write_bytes(content)
        self.stdout.write(f"Dossier du foyer {found.reference} écrit dans {output} ({len(content)} octets).")
