"""``manage.py send_surveys --edition YEAR --base-url https://…``: e-mail the satisfaction survey
to every returned project of the edition not invited yet (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from partez.reports.surveys import surveys_send
from partez.territory.models import Edition


class Command(BaseCommand):
    help = "Envoie l'enquête de satisfaction aux foyers rentrés (une fois par projet)."

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, required=True)
        parser.add_argument(
            "--base-url", required=True, help="adresse publique du site, ex. https://partez.example"
        )

    def handle(self, *args, **options):
        edition = Edition.objects.filter(year=options["edition"]).first()
        if edition is None:
            raise CommandError(f"Aucune édition {options['edition']}.")
        sent = surveys_send(edition=edition, base_url=options["base_url"])
        self.stdout.write(f"{len(sent)} invitation(s) envoyée(s).")
