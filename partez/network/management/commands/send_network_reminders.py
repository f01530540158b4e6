"""``manage.py send_network_reminders`` (daily): the training reminders, then the announcements
digest of the people who chose it daily, and on Mondays of those who chose it weekly."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from partez.network import services
from partez.network.models import Digest


class Command(BaseCommand):
    help = "Rappels des sessions de formation et résumé des annonces par e-mail."

    def add_arguments(self, parser):
        parser.add_argument("--weekly", action="store_true", help="Envoyer aussi le résumé hebdomadaire.")

    def handle(self, *args, **options):
        reminders = services.reminders_send()
        daily = services.digest_send(frequency=Digest.DAILY)
        weekly = 0
        if options["weekly"] or timezone.localdate().weekday() == 0:
            weekly = services.digest_send(frequency=Digest.WEEKLY)
        self.stdout.write(f"Rappels : {reminders} ; résumés quotidiens : {daily} ; hebdomadaires : {weekly}.")
