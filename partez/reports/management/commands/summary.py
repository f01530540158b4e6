"""``manage.py summary [--json]``: what the database holds, in one glance (or one JSON object)."""

import json

from django.core.management.base import BaseCommand
from django.db.models import Count

from partez.accompaniment.selectors import counts as accompaniment_counts
from partez.groups.models import Group
from partez.groups.models import Scheme as GroupScheme
from partez.households.models import Household, Person
from partez.network.models import Registration, Resource, TrainingSession
from partez.offers.models import Offer, OfferKind
from partez.organisations.models import Membership, Organisation
from partez.projects.models import Project, ProjectStatus
from partez.territory.models import Commune
from partez.territory.selectors import current_edition
from partez.users.models import User


def collect() -> dict:
    """The figures, with every project status present (0 when no project has it)."""
    edition = current_edition()
    by_status = dict(Project.objects.order_by().values_list("status").annotate(n=Count("pk")))
    by_scheme = dict(Group.objects.order_by().values_list("scheme").annotate(n=Count("pk")))
    by_kind = dict(Offer.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    return {
        "communes": Commune.objects.count(),
        "participating_communes": edition.communes.count() if edition else 0,
        "organisations": Organisation.objects.filter(is_active=True).count(),
        "professionals": User.objects.filter(pk__in=Membership.objects.active().values("user_id")).count(),
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "projects_by_status": {status: by_status.get(status, 0) for status in ProjectStatus.values},
        "groups_by_scheme": {scheme: by_scheme.get(scheme, 0) for scheme in GroupScheme.values},
        "offers_by_kind": {kind: by_kind.get(kind, 0) for kind in OfferKind.values},
        **accompaniment_counts(),  # screenings, workshops
        "trainings": TrainingSession.objects.filter(cancelled_at__isnull=True).count(),  # sessions
        "training_registrations": Registration.objects.exclude(status="cancelled").count(),
        "resources": Resource.objects.count(),
    }


class Command(BaseCommand):
    help = "Résumé de la base : communes, organisations, professionnel·les, foyers, personnes, projets par statut."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Un seul objet JSON sur la sortie standard.")

    def handle(self, *args, **options):
        data = collect()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        edition = current_edition()
        rows = [
            ("Communes du territoire", data["communes"]),
            (
                f"Communes participantes ({f'édition {edition.year}' if edition else 'aucune édition'})",
                data["participating_communes"],
            ),
            ("Organisations actives", data["organisations"]),
            ("Professionnel·les (adhésion active)", data["professionals"]),
            ("Foyers", data["households"]),
            ("Personnes", data["persons"]),
        ]
        rows += [(f"Projets – {ProjectStatus(s).label}", n) for s, n in data["projects_by_status"].items()]
        rows.append(("Projets – total", sum(data["projects_by_status"].values())))
        rows += [(f"Groupes – {GroupScheme(s).label}", n) for s, n in data["groups_by_scheme"].items()]
        rows += [(f"Offres – {OfferKind(k).label}", n) for k, n in data["offers_by_kind"].items()]
        rows += [
            ("Repérages des freins", data["screenings"]),
            ("Ateliers pour les familles", data["workshops"]),
            ("Sessions de formation", data["trainings"]),
            ("Inscriptions aux formations", data["training_registrations"]),
            ("Ressources", data["resources"]),
        ]
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            number = f"{value:,}".replace(",", "\u202f")  # French thousands separator
            self.stdout.write(f"{label.ljust(width)}  {number:>7}")
