"""The demo edition's séjour commun: the four campsites (run by the demo's host organisations),
their units and weeks, a pick-up point per participating commune, the bus settings, and the
households of the validated camping projects as participants — ready to be planned (« Planifier »
on /sejour-commun/). No plan is computed here: that is the coordinator's first click.

Written in bulk like the rest of the demo (no audit entry per row); participants are built by the
same function as ``participants_sync`` (:func:`partez.camping.services.new_participant`).
Idempotent: campsites are matched by name, nothing is duplicated on a second run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from partez.camping.models import (
    AccommodationUnit,
    CampingPlan,
    CampingWeek,
    Campsite,
    Participant,
    PickupPoint,
    UnitKind,
)
from partez.camping.services import GOING, new_participant
from partez.core import french
from partez.organisations.models import Organisation
from partez.projects.models import Project, ProjectFormat

from .calendar import DemoCalendar
from .generator import CAMPING_WEEKS

# (name, town, host slug, address, phone): fictitious addresses and numbers (ARCEP fiction range).
CAMPSITES = [
    ("Camping de Dieppe", "Dieppe", "camping-dieppe", "Chemin des Falaises, 76200 Dieppe", "02 35 98 00 01"),
    (
        "Camping de Mers-les-Bains",
        "Mers-les-Bains",
        "camping-mers-les-bains",
        "Rue de la Plage, 80350 Mers-les-Bains",
        "03 22 98 00 02",
    ),
    (
        "Camping du Tréport",
        "Le Tréport",
        "camping-le-treport",
        "Route du Phare, 76470 Le Tréport",
        "02 35 98 00 03",
    ),
    (
        "Camping de Rang-du-Fliers",
        "Rang-du-Fliers",
        "camping-rang-du-fliers",
        "Avenue de la Côte d'Opale, 62180 Rang-du-Fliers",
        "03 21 98 00 04",
    ),
]
# Per campsite: (label prefix, kind, beds, accessible, how many). 21 units, 116 beds; the demo's
# travellers include many people with a disability (about one household in seven), hence 4
# accessible units per campsite.
UNITS = [
    ("MH", UnitKind.MOBILE_HOME, 6, False, 7),
    ("MH", UnitKind.MOBILE_HOME, 4, False, 4),
    ("PMR", UnitKind.MOBILE_HOME, 6, True, 3),
    ("CH", UnitKind.CHALET, 8, False, 3),
    ("PMR", UnitKind.CHALET, 8, True, 1),
    ("T", UnitKind.TENT_PITCH, 4, False, 3),
]
PLACES = ["Parking de la mairie", "Place de l'église", "Parking de la salle des fêtes", "Gare routière"]


def load(edition, calendar: DemoCalendar) -> dict[str, int]:
    starts = [calendar.date(w) for w in CAMPING_WEEKS]
    CampingPlan.objects.get_or_create(
        edition=edition,
        defaults={"contact_name": "Coordination Vacances Ouvertes", "contact_phone": "06 39 98 00 00"},
    )
    hosts = {o.slug: o for o in Organisation.objects.filter(slug__in=[c[2] for c in CAMPSITES])}
    campsites = []
    for name, town, host, address, phone in CAMPSITES:
        campsite, _ = Campsite.objects.update_or_create(
            edition=edition,
            name=name,
            defaults={"town": town, "address": address, "phone": phone, "host": hosts.get(host)},
        )
        campsites.append(campsite)
    existing_units = set(
        AccommodationUnit.objects.filter(campsite__in=campsites).values_list("campsite_id", "label")
    )
    existing_weeks = set(
        CampingWeek.objects.filter(campsite__in=campsites).values_list("campsite_id", "starts_on")
    )
    units, weeks = [], []
    for campsite in campsites:
        number: defaultdict[str, int] = defaultdict(int)
        for prefix, kind, beds, accessible, count in UNITS:
            for _ in range(count):
                number[prefix] += 1
                label = f"{prefix}-{number[prefix]:02d}"
                if (campsite.pk, label) not in existing_units:
                    units.append(
                        AccommodationUnit(
                            campsite=campsite, label=label, kind=kind, beds=beds, accessible=accessible
                        )
                    )
        for start in starts:
            if (campsite.pk, start) not in existing_weeks:
                weeks.append(
                    CampingWeek(campsite=campsite, starts_on=start, ends_on=start + dt.timedelta(days=7))
                )
    AccommodationUnit.objects.bulk_create(units)
    CampingWeek.objects.bulk_create(weeks)

    have_point = set(PickupPoint.objects.filter(edition=edition).values_list("commune_id", flat=True))
    points = []
    for i, commune in enumerate(edition.communes.defer("geometry").order_by("name")):
        if commune.pk in have_point:
            continue
        points.append(
            PickupPoint(
                edition=edition,
                commune=commune,
                place=f"{PLACES[i % len(PLACES)]} {french.de(commune.name)}",
                departure_time=dt.time(7, 30 + 10 * (i % 3)),
                return_time=dt.time(17, 30 + 10 * (i % 3)),
            )
        )
    PickupPoint.objects.bulk_create(points)

    towns = defaultdict(list)
    for c in campsites:
        towns[c.town.casefold()].append(c)
    known = set(Participant.objects.filter(edition=edition).values_list("project_id", flat=True))
    projects = (
        Project.objects.filter(edition=edition, format=ProjectFormat.CAMPING, status__in=GOING)
        .exclude(pk__in=known)
        .prefetch_related("travellers")
        .order_by("pk")
    )
    new = []
    for project in projects:
        travellers = list(project.travellers.all())
        if travellers:
            new.append(new_participant(project, travellers, starts, towns))
    Participant.objects.bulk_create([p for p, _ in new])
    Through = Participant.preferred_campsites.through
    Through.objects.bulk_create(
        [Through(participant_id=p.pk, campsite_id=c.pk) for p, preferred in new for c in preferred]
    )
    return {
        "campsites": len(campsites),
        "camping_units": len(units),
        "camping_participants": len(new),
        "camping_people": sum(p.people for p, _ in new),
    }
