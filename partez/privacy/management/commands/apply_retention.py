"""The daily retention run: notify, wait the grace period, anonymise; journal notes, signatures
and audit details past their period (see partez.privacy.retention). Run it once a day."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from partez.privacy import retention


class Command(BaseCommand):
    help = "Applique les durées de conservation (avis, délai de grâce, anonymisation). À lancer chaque jour."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="date du jour (AAAA-MM-JJ), pour essai"
        )
        parser.add_argument("--base-url", default="", help="adresse du site, pour le lien des e-mails")

    def handle(self, *args, today=None, base_url="", **options):
        r = retention.apply(today=today or timezone.localdate(), base_url=base_url)
        self.stdout.write(
            f"{len(r.notified)} dossier(s) notifié(s), {r.cancelled} avis levé(s) (dossier repris), "
            f"{len(r.anonymised)} dossier(s) anonymisé(s), {r.journal_entries} note(s) supprimée(s), "
            f"{r.signatures} signature(s) effacée(s), {r.audit_entries} détail(s) d'audit anonymisé(s), "
            f"{r.sealed} entrée(s) d'audit scellée(s)."
        )
