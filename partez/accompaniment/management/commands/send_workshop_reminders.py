"""``manage.py send_workshop_reminders``: remind the households registered to a workshop soon (run
it daily; a registration is reminded once, whatever the number of runs)."""

from django.core.management.base import BaseCommand

from partez.accompaniment.reminders import reminders_send


class Command(BaseCommand):
    help = "Rappels (SMS, sinon e-mail) aux familles inscrites à un atelier proche (idempotent)."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(
            f"{sent.sms} SMS, {sent.emails} e-mail(s) envoyés ; {sent.skipped} foyer(s) sans consentement "
            "au contact ou sans moyen de le joindre."
        )
