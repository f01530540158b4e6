from django.core.management.base import BaseCommand

from partez.cheques.services import cheques_expire


class Command(BaseCommand):
    help = "Marque « périmés » les chèques-vacances encore détenus (stock, attribués, préparés) après leur validité."

    def handle(self, *args, **options):
        n = cheques_expire()
        self.stdout.write(f"{n} chèque(s)-vacances marqué(s) périmé(s).")
