"""``manage.py match_offers --input IN.json --output OUT.json [--greedy]``.

The matcher of donated weeks (and BSV offers) on files, so that any matching can be checked
independently: reads the input format of issue 15 (``max_families_per_site_period``, ``offers``,
``families``), writes ``{"assignments", "unmatched", "objective", "bound"}``. Malformed input: a
French message naming each faulty field on stderr, exit code 2, nothing written.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partez.offers.matching import InputError, check, greedy, parse, solve, to_json


class Command(BaseCommand):
    help = "Attribue les semaines données et les offres BSV aux familles à partir d'un fichier JSON."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="fichier JSON d'entrée")
        parser.add_argument("--output", required=True, help="fichier JSON de sortie")
        parser.add_argument(
            "--greedy", action="store_true", help="heuristique gloutonne, sans optimum prouvé"
        )

    def handle(self, *args, **options):
        try:
            data = json.loads(Path(options["input"]).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                f"{options['input']} : lecture impossible ({error.strerror})", returncode=2
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{options['input']} : JSON invalide ({error})", returncode=2) from None
        try:
            problem = parse(data)
        except InputError as error:
            raise CommandError(
                "Entrée invalide :\n" + "\n".join(f"{k} : {v}" for k, v in error.errors.items()), returncode=2
            ) from None
        result = greedy(problem) if options["greedy"] else solve(problem)
        errors = check(problem, result)
        if errors:  # never write a matching that breaks a rule
            raise CommandError("Attribution invalide :\n" + "\n".join(errors), returncode=1)
        Path(options["output"]).write_text(
            json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{result.matched} familles placées ({result.first_departures} premiers départs), "
                f"{len(result.unmatched)} sans offre, {result.empty_beds} lits vides — "
                f"objectif {result.objective}, borne {result.bound} ({result.status}, {result.seconds:.1f} s)"
            )
