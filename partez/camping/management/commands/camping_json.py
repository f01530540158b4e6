"""``manage.py camping_json --edition YEAR (--import in.json | --export out.json)``.

Import: the campsites, units, weeks, bus settings and commune quotas of an edition from the
planner's JSON input (the ``plan_camping`` format; households are ignored, they come from the
validated projects). Export: the edition's séjour commun as that JSON, with the plan in force as
``previous`` and locked places as ``locked``, so any planner can be run and checked on it.
Malformed input: a French message naming the field, exit code 2, nothing written.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partez.camping import services
from partez.camping.planner import PlanInputError
from partez.territory.models import Edition


class Command(BaseCommand):
    help = "Importe ou exporte le séjour commun d'une édition au format JSON du planificateur."

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, required=True, help="année de l'édition")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--import", dest="import_path", help="fichier JSON à importer")
        group.add_argument("--export", dest="export_path", help="fichier JSON à écrire")

    def handle(self, *args, **options):
        edition = Edition.objects.filter(year=options["edition"]).first()
        if edition is None:
            raise CommandError(f"--edition : aucune édition {options['edition']}", returncode=2)
        if options["export_path"]:
            data = services.setup_export(edition)
            Path(options["export_path"]).write_text(
                json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            self.stdout.write(
                f"{len(data['campsites'])} campings, {len(data['households'])} foyers, "
                f"{len(data['previous'])} places en vigueur écrits dans {options['export_path']}."
            )
            return
        path = options["import_path"]
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{path} : lecture impossible ({error.strerror})", returncode=2) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{path} : JSON invalide ({error})", returncode=2) from None
        try:
            counts = services.setup_import(edition=edition, data=data)
        except PlanInputError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"Importé : {counts['campsites']} campings, {counts['units']} hébergements, "
            f"{counts['weeks']} semaines, {counts['quotas']} quotas créés (les foyers viennent des projets)."
        )
