"""manage.py find_duplicates [--dry-run]

The nightly search for the same family twice across the territory (run daily, like
purge_job_files): records the new candidate pairs in the review queue (a pair said distinct is
never proposed again) and prints, as its last line, one JSON object:
{"pairs": [{"a", "b", "score", "reasons"}]} (household ids)."""

import json

from django.core.management.base import BaseCommand

from partez.imports import dedup, duplicates


class Command(BaseCommand):
    help = "Cherche les foyers en double sur tout le territoire et les met dans la file à examiner."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="affiche les paires sans les enregistrer")

    def handle(self, *args, **options):
        found = dedup.find(duplicates.facts())
        if not options["dry_run"]:
            counts = duplicates.candidates_refresh(found=found)
            self.stdout.write(f"{counts['found']} paires possibles, {counts['new']} nouvelles dans la file.")
        self.stdout.write(
            json.dumps(
                {"pairs": [{"a": c.a, "b": c.b, "score": c.score, "reasons": c.reasons} for c in found]},
                ensure_ascii=False,
            )
        )
