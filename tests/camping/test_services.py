"""The séjour commun's services: participants from projects, moves by hand (each refusal said in
French), locks, cancellations, plan and re-plan as jobs."""

import pytest

from partez.camping import selectors, services
from partez.camping.models import BusTrip, CommuneQuota, Participant, Placement
from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.jobs.models import JobStatus
from partez.organisations.models import Role
from partez.projects.models import ProjectStatus
from tests import factories
from tests.factories.camping import W1, W2, camp, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(edition, coordinator_org):
    return camp(edition, coordinator_org)


def move(c, p, label, start):
    unit = c.units[label]
    return services.placement_move(
        actor=c.coordination, participant=p, unit=unit, week=c.week(unit.campsite, start)
    )


def refusal(c, p, label, start) -> str:
    with pytest.raises(DomainError) as exc:
        move(c, p, label, start)
    return exc.value.message


def test_sync_builds_participants_from_validated_camping_projects(c):
    a = participant(c, "F-AAA", people=3, disability=True, destination="Dieppe")
    assert (a.people, a.needs_accessible, a.allowed_weeks) == (3, True, [W1.isoformat()])
    assert [s.name for s in a.preferred_campsites.all()] == ["Les Mouettes"]
    b = participant(c, "F-BBB", start=None)  # no date: every week the edition offers
    assert b.allowed_weeks == [W1.isoformat(), W2.isoformat()]
    assert participant(c, "F-CCC", status=ProjectStatus.SUBMITTED) is None  # not validated yet
    assert Participant.objects.count() == 2
    assert AuditLog.objects.filter(action="camping.participants_sync").count() == 2


def test_a_withdrawn_project_frees_its_place(c):
    a = participant(c, "F-AAA")
    move(c, a, "M1", W1)
    a.project.status = ProjectStatus.WITHDRAWN
    a.project.save(update_fields=["status"])
    assert services.participants_sync(actor=c.coordination, edition=c.edition)["cancelled"] == 1
    a.refresh_from_db()
    assert a.cancelled_at is not None
    assert not Placement.objects.exists()
    assert not BusTrip.objects.exists()


def test_a_move_places_and_packs_the_bus(c):
    a = participant(c, "F-AAA", people=3)
    placement = move(c, a, "M1", W1)
    assert (placement.unit.label, placement.week.starts_on, placement.manual) == ("M1", W1, True)
    trip = BusTrip.objects.get()
    assert trip.passengers == 3
    stop = trip.stops.get()
    assert (stop.commune.insee_code, stop.place, stop.departure_time.hour) == (
        "62498",
        "Parking de la gare",
        8,
    )
    placement.refresh_from_db()
    assert placement.trip == trip
    log = AuditLog.objects.get(action="camping.move")
    assert log.changes["to"]["unit"] == "M1"
    assert log.actor == c.coordination.user


def test_every_refusal_says_why(c):
    a = participant(c, "F-AAA", people=2)
    big = participant(c, "F-BIG", people=5)
    needs = participant(c, "F-PMR", people=2, disability=True)
    move(c, a, "M1", W1)
    assert "déjà pris la semaine du 05/07/2025 par le foyer F-AAA" in refusal(c, big, "M1", W1)
    assert "L'hébergement M3 a 4 lits pour 5 personnes" in refusal(c, big, "M3", W1)
    assert "a besoin d'un hébergement accessible, M2 ne l'est pas" in refusal(c, needs, "M2", W1)
    assert "n'a pas demandé la semaine du 12/07/2025" in refusal(c, needs, "M3", W2)
    CommuneQuota.objects.create(edition=c.edition, commune=c.lens, people=6)
    assert (
        "Quota de la commune 62498 dépassé : 2 personnes déjà placées, 5 de plus pour un quota de 6"
        in refusal(c, big, "M2", W1)
    )
    move(c, needs, "M3", W1)  # 2 + 2 ≤ 6: fine
    unit = c.units["P1"]
    with pytest.raises(DomainError, match="pas dans le camping de cette semaine"):
        services.placement_move(actor=c.coordination, participant=a, unit=unit, week=c.week(c.mouettes, W1))
    assert Placement.objects.count() == 2
    problems = services.placement_check(
        actor=c.coordination, participant=big, unit=c.units["M2"], week=c.week(c.mouettes, W1)
    )
    assert problems and problems[0].startswith("Quota de la commune")


def test_a_locked_place_does_not_move_by_hand(c):
    a = participant(c, "F-AAA")
    placement = move(c, a, "M1", W1)
    services.placement_lock(actor=c.coordination, placement=placement, locked=True)
    assert "verrouillée" in refusal(c, a, "M2", W1)
    services.placement_lock(actor=c.coordination, placement=placement, locked=False)
    assert move(c, a, "M2", W1).unit.label == "M2"
    assert AuditLog.objects.filter(action__in=["camping.lock", "camping.unlock"]).count() == 2


def test_cancel_frees_the_place(c):
    a = participant(c, "F-AAA")
    move(c, a, "M1", W1)
    with pytest.raises(DomainError, match="motif"):
        services.participant_cancel(actor=c.coordination, participant=a, reason=" ")
    services.participant_cancel(actor=c.coordination, participant=a, reason="Famille malade")
    assert not Placement.objects.exists()
    assert Participant.objects.get().cancel_reason == "Famille malade"


def test_needs_cannot_be_changed_under_a_place_that_would_no_longer_fit(c):
    a = participant(c, "F-AAA")
    move(c, a, "M1", W1)
    with pytest.raises(DomainError, match="ne conviendrait plus"):
        services.participant_update(
            actor=c.coordination,
            participant=a,
            needs_accessible=True,
            allowed_weeks=[W1],
            preferred_campsites=[],
            companion_references=[],
        )
    participant(c, "F-BBB")
    with pytest.raises(DomainError) as exc:
        services.participant_update(
            actor=c.coordination,
            participant=a,
            needs_accessible=False,
            allowed_weeks=[],
            preferred_campsites=[],
            companion_references=["F-ZZZ"],
        )
    assert set(exc.value.errors) == {"allowed_weeks", "companions"}
    services.participant_update(
        actor=c.coordination,
        participant=a,
        needs_accessible=False,
        allowed_weeks=[W1, W2],
        preferred_campsites=[c.phare],
        companion_references=["f-bbb"],
    )
    a.refresh_from_db()
    assert [p.household.reference for p in a.companions.all()] == ["F-BBB"]


def test_only_the_coordination_moves(c, ccas):
    a = participant(c, "F-AAA")
    referent = factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT)
    with pytest.raises(NotAllowed):
        services.placement_move(
            actor=referent, participant=a, unit=c.units["M1"], week=c.week(c.mouettes, W1)
        )
    with pytest.raises(NotAllowed):
        services.plan_start(actor=referent, edition=c.edition, replan=False, time_limit=5)


def _plan(c, replan=False):
    job = services.plan_start(actor=c.coordination, edition=c.edition, replan=replan, time_limit=5)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    return job


def test_plan_job_places_everyone_it_can_and_says_why_not(c):
    for i in range(4):
        participant(c, f"F-A{i}", people=3, commune=c.lievin if i % 2 else c.lens)
    participant(c, "F-HUGE", people=8)
    job = _plan(c)
    assert job.result_url == "/sejour-commun/"
    assert "12 personnes placées (4 foyers, 1 non placés)" in job.message
    plan = selectors.camping_plan(c.edition)
    assert plan.stats["people_placed"] == 12
    huge = Participant.objects.get(household__reference="F-HUGE")
    assert "8 personnes" in huge.unplaced_reason
    assert Placement.objects.count() == 4
    assert sum(BusTrip.objects.values_list("passengers", flat=True)) == 12
    assert AuditLog.objects.filter(action="camping.plan").exists()


def test_replan_keeps_locks_and_moves_few(c):
    for i in range(4):
        participant(c, f"F-A{i}", people=2)
    _plan(c)
    before = {
        p.participant.household.reference: (p.unit_id, p.week_id)
        for p in Placement.objects.select_related("participant__household")
    }
    locked = Placement.objects.select_related("participant__household").order_by("pk").first()
    services.placement_lock(actor=c.coordination, placement=locked, locked=True)
    # A cancellation and a late addition: the others stay where they are.
    gone = Participant.objects.exclude(pk=locked.participant_id).first()
    services.participant_cancel(actor=c.coordination, participant=gone, reason="Désistement")
    participant(c, "F-LATE", people=2)
    job = _plan(c, replan=True)
    after = {
        p.participant.household.reference: (p.unit_id, p.week_id)
        for p in Placement.objects.select_related("participant__household")
    }
    assert after[locked.participant.household.reference] == before[locked.participant.household.reference]
    kept = [r for r in after if r in before and after[r] == before[r]]
    assert len(kept) == 3  # everyone but the cancelled household
    assert "F-LATE" in after
    assert "0 foyers déplacés" in job.message
    assert selectors.camping_plan(c.edition).stats["moved"] == 0
    assert Placement.objects.get(pk=locked.pk).locked  # the row (and its lock) was kept


def test_a_plan_is_not_saved_over_a_change_made_while_it_ran(c):
    a = participant(c, "F-AAA")
    plan_in, index = selectors.plan_input(c.edition)
    revision = selectors.camping_plan(c.edition).revision
    from partez.camping import planner

    result = planner.greedy(plan_in)
    move(c, a, "P1", W1)
    with pytest.raises(DomainError, match="a changé pendant le calcul"):
        services.plan_save(
            actor=c.coordination,
            edition=c.edition,
            result=result,
            index=index,
            revision=revision,
            replan=False,
        )
    assert Placement.objects.get().unit.label == "P1"


def test_plan_input_in_a_fixed_number_of_queries(c, django_assert_max_num_queries):
    for i in range(3):
        participant(c, f"F-A{i}")
    _plan(c)
    with django_assert_max_num_queries(10):
        small, _ = selectors.plan_input(c.edition, replan=True)
    for i in range(3, 9):
        participant(c, f"F-A{i}", commune=c.lievin)
    _plan(c)
    with django_assert_max_num_queries(10):
        big, _ = selectors.plan_input(c.edition, replan=True)
    assert len(big.households) == 9 and len(big.previous) > len(small.previous)


def test_cancelling_the_plan_job_stops_the_search_and_saves_nothing(c):
    from partez.jobs.models import Job
    from partez.jobs.registry import Cancelled, Progress

    for i in range(3):
        participant(c, f"F-A{i}")
    job = Job.objects.create(
        kind="camping_plan",
        label="Planification",
        organisation=c.coordination.organisation,
        created_by=c.coordination.user,
        params={"edition": c.edition.pk, "replan": False, "time_limit": 5},
    )

    class CancelInTheSearch(Progress):
        def update(self, done, total, message=""):
            if done > 3:  # the planner's first report: as if « Annuler » was clicked then
                Job.objects.filter(pk=self.job.pk).update(cancel_requested=True)
            super().update(done, total, message)

    with pytest.raises(Cancelled):
        services.run_plan(job, CancelInTheSearch(job))
    assert not Placement.objects.exists()
    assert selectors.camping_plan(c.edition).planned_at is None


def _settings(c, quotas=None, **values):
    defaults = {
        "bus_seats": 53,
        "bus_max_stops": 3,
        "minutes_between_stops": 20,
        "contact_name": "Coordination",
        "contact_phone": "06 39 98 00 00",
        "what_to_bring": "Draps",
    }
    return services.settings_save(
        actor=c.coordination, edition=c.edition, values=defaults | values, quotas=quotas or {}
    )


def test_settings_repack_the_buses_and_refuse_what_the_plan_breaks(c):
    for i, label in enumerate(["M1", "M2"]):
        move(c, participant(c, f"F-S{i}", people=3, commune=c.lens if i else c.lievin), label, W1)
    assert BusTrip.objects.get().passengers == 6
    _settings(c, bus_seats=4)  # 3 + 3 no longer fit one bus
    assert sorted(BusTrip.objects.values_list("passengers", flat=True)) == [3, 3]
    with pytest.raises(DomainError, match="il faut au moins 3 places"):
        _settings(c, bus_seats=2)
    with pytest.raises(DomainError, match="Liévin \\(3 personnes déjà placées\\)"):
        _settings(c, quotas={c.lievin.pk: 2})
    _settings(c, quotas={c.lievin.pk: 3, c.lens.pk: None})
    assert list(CommuneQuota.objects.values_list("commune__name", "people")) == [("Liévin", 3)]
    _settings(c, quotas={c.lievin.pk: None})
    assert not CommuneQuota.objects.exists()
    assert AuditLog.objects.filter(action="camping.settings").count() == 3
