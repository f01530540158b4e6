import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partez.core.errors import DomainError
from partez.demo import generator, loader
from partez.demo.calendar import DemoCalendar


class Command(BaseCommand):
    help = (
        "Charge l'édition de démonstration (organisations, professionnel·les, foyers fictifs, projets). "
        "Sans effet si elle est déjà chargée ; --reset la supprime puis la recharge."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help="Graine du tirage (défaut : 2025).")
        parser.add_argument(
            "--households",
            type=int,
            default=generator.DEFAULT_HOUSEHOLDS,
            help=f"Nombre de foyers (défaut : {generator.DEFAULT_HOUSEHOLDS}).",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Supprime d'abord les données de démonstration."
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Le jour auquel les dates de l'édition se rapportent, AAAA-MM-JJ (défaut : aujourd'hui).",
        )

    def handle(self, *args, **options):
        try:
            result = loader.demo_load(
                seed=options["seed"],
                households=options["households"],
                reset=options["reset"],
                today=options["today"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if result.deleted:
            done = ", ".join(f"{n} {label}" for label, n in result.deleted.items())
            self.stdout.write(f"Données de démonstration supprimées : {done}.")
        if not result.loaded:
            self.stdout.write(
                f"L'édition de démonstration est déjà chargée (organisation « {generator.COORDINATOR_SLUG} ») : "
                "rien à faire. Utilisez --reset pour la recharger."
            )
        else:
            c = result.counts
            year = DemoCalendar.on(options["today"] or timezone.localdate()).year
            self.stdout.write(
                self.style.SUCCESS(
                    f"Édition de démonstration {year} chargée en {result.seconds:.1f} s (graine {result.seed}) : "
                    f"{c['organisations']} organisations, {c['users']} professionnel·les, {c['households']} foyers, "
                    f"{c['persons']} personnes, {c['projects']} projets."
                )
            )
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"\nIdentifiants de démonstration (mot de passe : {generator.DEMO_PASSWORD}) :")
        width = max(len(username) for username, *_ in generator.DEMO_LOGINS)
        for username, _role, _slug, label in generator.DEMO_LOGINS:
            self.stdout.write(f"  {username.ljust(width)}  {label}")
