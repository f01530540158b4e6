"""``manage.py plan_camping --input in.json --output out.json [--time-limit S] [--greedy]``.

The camping week planner on files, so that any plan can be checked independently: reads the
issue's JSON input, writes the JSON output (``partez.camping.planner.plan_to_json``). Malformed
input: a French message naming the faulty field on stderr, exit code 2, nothing written.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partez.camping.planner import PlanInputError, check, greedy, parse_input, plan_to_json, solve


class Command(BaseCommand):
    help = "Planifie le séjour commun (campings, semaines, hébergements, cars) à partir d'un fichier JSON."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="fichier JSON d'entrée")
        parser.add_argument("--output", required=True, help="fichier JSON de sortie")
        parser.add_argument("--time-limit", type=float, default=30.0, help="secondes (30 par défaut)")
        parser.add_argument("--greedy", action="store_true", help="premier hébergement libre, sans solveur")

    def handle(self, *args, **options):
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit : doit être positif", returncode=2)
        try:
            data = json.loads(Path(options["input"]).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                f"{options['input']} : lecture impossible ({error.strerror})", returncode=2
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{options['input']} : JSON invalide ({error})", returncode=2) from None
        try:
            plan_input = parse_input(data)
        except PlanInputError as error:
            raise CommandError(str(error), returncode=2) from None

        def progress(fraction: float, message: str) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"[{fraction:4.0%}] {message}")

        if options["greedy"]:
            plan = greedy(plan_input)
        else:
            plan = solve(plan_input, time_limit=options["time_limit"], progress=progress)
        errors = check(plan_input, plan)
        if errors:  # never write a plan that breaks a constraint
            raise CommandError("Plan invalide :\n" + "\n".join(errors), returncode=1)
        Path(options["output"]).write_text(
            json.dumps(plan_to_json(plan), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        s = plan.stats
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{s.people_placed} personnes placées ({len(plan.assignments)} foyers, "
                f"{len(plan.unplaced)} non placés), {s.buses} cars, {s.wishes_honoured} souhaits respectés, "
                f"{s.empty_beds} lits vides — {s.status}, borne {s.bound}, {s.seconds:.1f} s"
            )
