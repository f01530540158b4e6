"""``manage.py send_reminders [--days 30,7,1] [--today YYYY-MM-DD]``: e-mail the coordination
before each report deadline (run it once a day, e.g. from cron; running it twice sends nothing
more)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partez.reports.reminders import DEFAULT_DAYS, reminders_send


class Command(BaseCommand):
    help = "Rappels par e-mail avant les échéances de bilan (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", default=",".join(map(str, DEFAULT_DAYS)), help="délais en jours, ex. 30,7,1"
        )
        parser.add_argument("--today", help="date du jour (AAAA-MM-JJ), pour rattraper ou tester")

    def handle(self, *args, **options):
        try:
            days = tuple(int(d) for d in options["days"].split(",") if d.strip())
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Argument invalide : {exc}") from exc
        if not days or min(days) < 0:
            raise CommandError("--days : des nombres de jours positifs, séparés par des virgules.")
        sent = reminders_send(today=today, days=days)
        for s in sent:
            self.stdout.write(
                f"J-{s.days_before} : {s.milestone} ({s.milestone.edition.year}) → {s.recipients} destinataire(s)"
            )
        self.stdout.write(f"{len(sent)} rappel(s) envoyé(s).")
