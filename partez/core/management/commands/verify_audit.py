"""Verify the audit log's hash chain and say where it breaks (exit status 1 if it does)."""

from django.core.management.base import BaseCommand, CommandError

from partez.core import audit
from partez.core.models import AuditLog


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal d'audit (scelle d'abord les entrées en attente)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal", action="store_true", help="ne pas sceller les entrées en attente avant de vérifier"
        )

    def handle(self, *args, no_seal=False, **options):
        sealed = 0 if no_seal else audit.seal()
        checked, breaks = audit.verify()
        pending = AuditLog.objects.filter(seq__isnull=True).count()
        for b in breaks:
            where = f"entrée n° {b.seq}" if b.seq is not None else "tête de chaîne"
            ident = f" (id {b.entry_id})" if b.entry_id is not None else ""
            self.stdout.write(f"RUPTURE {where}{ident} : {b.message}")
        summary = f"{checked} entrées vérifiées, {sealed} scellées maintenant, {pending} en attente"
        if breaks:
            raise CommandError(f"Chaîne d'audit rompue : {len(breaks)} problème(s). {summary}.")
        self.stdout.write(f"Chaîne d'audit intacte : {summary}.")
