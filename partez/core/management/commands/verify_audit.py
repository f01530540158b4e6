"""Verify the audit log's hash chain and say where it breaks (exit status 1 if it does)."""

from django.core.management.base import BaseCommand, CommandError

from partez.core import audit
from partez.core.models import AccessLog, AuditLog


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal d'audit (scelle d'abord les entrées en attente)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal", action="store_true", help="ne pas sceller les entrées en attente avant de vérifier"
        )

    def handle(self, *args, no_seal=False, **options):
        failures = []
        for model, name in ((AuditLog, "Chaîne d'audit"), (AccessLog, "Chaîne des consultations")):
            sealed = 0 if no_seal else audit.seal(model)
            checked, breaks = audit.verify(model)
            pending = model.objects.filter(seq__isnull=True).count()
            for b in breaks:
                where = f"entrée n° {b.seq}" if b.seq is not None else "tête de chaîne"
                ident = f" (id {b.entry_id})" if b.entry_id is not None else ""
                self.stdout.write(f"RUPTURE {name.lower()}, {where}{ident} : {b.message}")
            summary = f"{checked} entrées vérifiées, {sealed} scellées maintenant, {pending} en attente"
            if breaks:
                failures.append(f"{name} rompue : {len(breaks)} problème(s). {summary}.")
            else:
                self.stdout.write(f"{name} intacte : {summary}.")
        if failures:
            raise CommandError(" ".join(failures))
