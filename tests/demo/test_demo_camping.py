"""The demo's séjour commun: four campsites run by the demo hosts, units, weeks, pick-up points and
the validated camping projects as participants, plannable at once; a second load adds nothing."""

from partez.camping import planner, selectors
from partez.camping.models import AccommodationUnit, CampingWeek, Campsite, Participant, PickupPoint
from partez.demo import generator
from partez.projects.models import Project
from partez.territory.models import Edition

from .conftest import load_demo


def test_the_demo_has_a_plannable_sejour_commun(demo):
    edition = Edition.objects.get(year=generator.EDITION_YEAR)
    campsites = Campsite.objects.filter(edition=edition).select_related("host")
    assert sorted(c.town for c in campsites) == ["Dieppe", "Le Tréport", "Mers-les-Bains", "Rang-du-Fliers"]
    assert all(c.host and c.host.kind == "host" for c in campsites)
    assert AccommodationUnit.objects.filter(campsite__edition=edition, accessible=True).count() == 16
    assert CampingWeek.objects.filter(campsite__edition=edition).count() == 4 * len(generator.CAMPING_WEEKS)
    assert PickupPoint.objects.filter(edition=edition).count() == edition.communes.count()
    participants = Participant.objects.filter(edition=edition)
    going = Project.objects.filter(
        edition=edition,
        format="camping",
        status__in=["validated", "aid_granted", "departed", "returned", "evaluated"],
    )
    assert participants.count() == going.count() > 0
    plan_in, _ = selectors.plan_input(edition)
    plan = planner.greedy(plan_in)
    assert planner.check(plan_in, plan) == []
    assert not plan.unplaced  # the demo's capacity fits every household

    before = (Campsite.objects.count(), AccommodationUnit.objects.count(), participants.count())
    load_demo()
    assert (Campsite.objects.count(), AccommodationUnit.objects.count(), participants.count()) == before
