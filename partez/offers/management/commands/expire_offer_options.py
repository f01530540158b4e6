"""``manage.py expire_offer_options``: every option past its date becomes « expirée » (daily)."""

from django.core.management.base import BaseCommand

from partez.offers.services import options_expire


class Command(BaseCommand):
    help = "Fait expirer les options non confirmées à temps sur les offres d'hébergement."

    def handle(self, *args, **options):
        count = options_expire()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} option{'s' if count > 1 else ''} expirée{'s' if count > 1 else ''}.")
