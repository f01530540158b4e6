"""``manage.py bilan --edition YEAR --json`` prints the dashboard's figures as one JSON object;
``--pdf PATH [--funder SLUG]`` writes a funder's report (or the whole edition's, published the
same way: small cells suppressed)."""

import json

from django.core.management.base import BaseCommand, CommandError

from partez.organisations.models import Organisation, OrganisationKind
from partez.reports import funder_report, selectors
from partez.schemes.models import Scheme
from partez.territory.models import Commune, Edition


class Command(BaseCommand):
    help = "Chiffres du bilan d'une édition (JSON) ou rapport PDF d'un financeur."

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, required=True, help="année de l'édition")
        parser.add_argument("--json", action="store_true", help="les chiffres du tableau de bord en JSON")
        parser.add_argument("--pdf", metavar="PATH", help="écrire le rapport PDF dans ce fichier")
        parser.add_argument("--xlsx", metavar="PATH", help="écrire le rapport XLSX dans ce fichier")
        parser.add_argument("--funder", metavar="SLUG", help="le financeur (identifiant)")
        parser.add_argument("--commune", metavar="INSEE", help="filtre : code INSEE de la commune (JSON)")
        parser.add_argument("--scheme", metavar="SLUG", help="filtre : dispositif (JSON)")
        parser.add_argument(
            "--published", action="store_true", help="JSON : cases de moins de 5 personnes masquées"
        )

    def handle(self, *args, **options):
        if not (options["json"] or options["pdf"] or options["xlsx"]):
            raise CommandError("Indiquez --json, --pdf PATH ou --xlsx PATH.")
        edition = Edition.objects.filter(year=options["edition"]).first()
        if edition is None:
            raise CommandError(f"Aucune édition {options['edition']}.")
        funder = self._get(
            Organisation.objects.filter(kind=OrganisationKind.FUNDER), "slug", options["funder"]
        )
        if options["json"]:
            filters = selectors.Filters(
                edition,
                commune=self._get(Commune.objects.defer("geometry"), "insee_code", options["commune"]),
                scheme=self._get(Scheme.objects.all(), "slug", options["scheme"]),
                funder=funder,
            )
            b = selectors.bilan(filters)
            if options["published"] or funder is not None:
                b = selectors.published(b)  # a funder's figures are always published with suppression
            self.stdout.write(json.dumps(b.as_dict(), ensure_ascii=False, indent=2))
        if options["pdf"]:
            with open(options["pdf"], "wb") as f:
                funder_report.build_pdf(funder, edition, output=f)
            self.stderr.write(f"Rapport écrit dans {options['pdf']}.")
        if options["xlsx"]:
            with open(options["xlsx"], "wb") as f:
                f.write(funder_report.build_xlsx(funder, edition))
            self.stderr.write(f"Rapport écrit dans {options['xlsx']}.")

    @staticmethod
    def _get(queryset, field, value):
        if not value:
            return None
        obj = queryset.filter(**{field: value}).first()
        if obj is None:
            raise CommandError(f"Introuvable : {field} = {value}.")
        return obj
