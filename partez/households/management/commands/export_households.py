"""``manage.py export_households --organisation SLUG --format csv|xlsx --output FILE``

Writes the same export as the « Exporter les foyers » job of the web app (one line per person of
the households the organisation's members see, with the widest role allowed to export), audited."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partez.core import audit
from partez.households import exports
from partez.organisations.models import Organisation


class Command(BaseCommand):
    help = "Exporte les foyers d'une organisation (CSV ou XLSX), comme le traitement de l'interface."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", metavar="SLUG", required=True)
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--output", metavar="FILE", required=True)

    def handle(self, *args, organisation, format, output, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"Organisation inconnue : « {organisation} ».")
        view = exports.organisation_view(org)
        if view is None:
            raise CommandError(f"Les membres de « {org.name} » n'ont pas accès aux dossiers des foyers.")
        households = exports.households_of(view)
        if format == "xlsx":
            with open(output, "wb") as f:
                exports.write_xlsx(exports.rows(households), f)
        else:
            with open(output, "w", encoding="utf-8", newline="") as f:
                exports.write_csv(exports.rows(households), f)
        with transaction.atomic():
            audit.record(
                actor=None,
                organisation=org,
                action="households.export_command",
                obj=org,
                changes={"format": format, "households": households.count()},
            )
        self.stdout.write(f"Export des foyers de « {org.name} » écrit dans {output}.")
