"""Group services: opening, members, the young people's link, the jury, the pack, places."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone

from partez.attendance import services as attendance
from partez.attendance.models import Ticket
from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.groups import services
from partez.groups.models import (
    Convention,
    Decision,
    Group,
    Member,
    Pack,
    PackStock,
    Role,
    Scheme,
    Status,
    Stay,
)
from partez.households.models import PastDeparture
from tests.factories import groups as world
from tests.fete.conftest import png_bytes

pytestmark = pytest.mark.django_db

SIGNATURE = base64.b64encode(png_bytes()).decode()


@pytest.fixture
def w():
    return world.build()


def test_a_relay_opens_a_sac_ados_group_with_each_members_verdict(w):
    group = world.sac_group(w)
    members = list(group.members.all())
    assert len(members) == 3 and all(m.eligible for m in members)
    assert {m.aid_cents for m in members} == {15000}
    labels = [c["label"] for c in members[0].eligibility]
    assert "Âge le jour du départ" in labels and "Une seule fois" in labels
    assert AuditLog.objects.filter(action="group_create", object_id=str(group.pk)).exists()


def test_an_unapproved_relay_cannot_open_a_sac_ados_group(w):
    w.relay.group_approvals.all().delete()
    with pytest.raises(DomainError) as exc:
        world.sac_group(w)
    assert set(exc.value.errors) == {"scheme"}


def test_a_person_the_porteur_does_not_follow_is_not_found(w):
    stranger = world.young_people(w.ccas, w.relay.commune, 1)[0]
    with pytest.raises(services.PersonNotFound):
        world.sac_group(w, [w.young[0], stranger])
    assert not Group.objects.exists()


def test_every_refusal_at_once_and_nothing_saved(w):
    with pytest.raises(DomainError) as exc:
        world.sac_group(
            w, w.young[:1], starts_on=world.SUMMER, ends_on=world.SUMMER + dt.timedelta(days=2), name=""
        )
    assert {
        "name",
    } <= set(exc.value.errors)
    with pytest.raises(DomainError) as exc:
        world.sac_group(w, w.young[:1], ends_on=world.SUMMER + dt.timedelta(days=2))
    assert set(exc.value.errors) == {"members", "ends_on"}
    assert not Group.objects.exists()


def test_once_ever_counts_a_past_sac_ados_and_another_live_group(w):
    world.sac_group(w, w.young[:2])
    with pytest.raises(DomainError) as exc:  # young[0] is already in a live Sac Ados group
        world.sac_group(w, [w.young[0], w.young[2]], name="Deuxième")
    assert "une fois" in exc.value.errors["members"]


def test_members_added_and_removed_with_the_same_checks(w):
    group = world.sac_group(w, w.young[:2])
    services.member_add(actor=w.relay_worker, group=group, person_id=w.young[2].pk)
    assert group.members.count() == 3
    services.member_remove(actor=w.relay_worker, group=group, person_id=w.young[2].pk)
    with pytest.raises(DomainError) as exc:  # one young person is not a group
        services.member_remove(actor=w.relay_worker, group=group, person_id=w.young[1].pk)
    assert "members" in exc.value.errors
    assert group.members.count() == 2


def test_the_young_people_fill_their_budget_through_their_link(w):
    group = world.sac_group(w)
    token = services.invite_create(actor=w.relay_worker, group=group)
    found = services.group_by_token(token)
    assert found == group and group.invite_hash != token
    services.group_update(
        actor=None,
        group=found,
        destination="Marseille, auberge de jeunesse",
        transport="Train",
        wishes="Calanques en kayak",
        budget=[
            ("transport", "TGV", 45000),
            ("accommodation", "Auberge", 60000),
            ("own", "Jobs d'été", 30000),
        ],
    )
    group.refresh_from_db()
    assert group.wishes == "Calanques en kayak" and group.budget_lines.count() == 3
    assert {m.aid_cents for m in group.members.all()} == {15000}
    assert services.group_by_token("faux") is None


def test_jury_scores_and_decides_then_the_pack_is_handed_over_at_the_ceremony(w):
    group = world.sac_group(w)
    services.group_transition(actor=w.relay_worker, group=group, action="submit")
    session = services.jury_session_create(
        actor=w.coordination, held_on=dt.date(2026, 6, 2), place="Arras", jurors="Élue, CAF"
    )
    review = services.jury_agenda_add(actor=w.coordination, session=session, group=group)
    with pytest.raises(DomainError) as exc:
        services.jury_decide(
            actor=w.coordination, review=review, scores={"autonomy": 9}, decision="refused", reasons=""
        )
    assert {"score_autonomy", "score_budget", "reasons"} <= set(exc.value.errors)
    services.jury_decide(
        actor=w.coordination,
        review=review,
        scores={"autonomy": 4, "budget": 3, "safety": 3, "presentation": 4},
        decision=Decision.ACCEPTED,
        reasons="",
    )
    group.refresh_from_db()
    assert group.status == Status.ACCEPTED
    services.stock_set(actor=w.coordination, year=2026, bags=2, kits=5)
    roster = services.ceremony_open(
        actor=w.coordination,
        title="Remise des Sac Ados",
        starts_at=timezone.now(),
        place="Arras",
        groups=[group],
    )
    packs = list(Pack.objects.filter(roster=roster))
    assert len(packs) == 3 and {p.bourse_cents for p in packs} == {15000}
    with pytest.raises(DomainError):  # not checked in at the door yet
        services.pack_hand_over(
            actor=w.relay_worker,
            pack=packs[0],
            signature_png_base64=SIGNATURE,
            insurance_reference="A1",
            bag=True,
            kit=True,
        )
    for i, ticket in enumerate(Ticket.objects.filter(roster=roster)):
        attendance.check_in(
            actor=w.relay_worker, code=ticket.code, nonce=f"nonce-ceremonie-{i}", roster_id=roster.pk
        )
    for i, pack in enumerate(packs[:2]):
        services.pack_hand_over(
            actor=w.relay_worker,
            pack=pack,
            signature_png_base64=SIGNATURE,
            insurance_reference=f"A{i}",
            bag=True,
            kit=True,
        )
    with pytest.raises(DomainError) as exc:  # two bags in stock only
        services.pack_hand_over(
            actor=w.relay_worker,
            pack=packs[2],
            signature_png_base64=SIGNATURE,
            insurance_reference="A3",
            bag=True,
            kit=True,
        )
    assert "bag" in exc.value.errors
    stock = PackStock.objects.get()
    assert (stock.bags, stock.kits) == (0, 3)
    with pytest.raises(DomainError):
        services.pack_hand_over(
            actor=w.relay_worker,
            pack=packs[0],
            signature_png_base64=SIGNATURE,
            insurance_reference="A1",
            bag=False,
            kit=False,
        )
    services.jury_close(actor=w.coordination, session=session)


def test_a_departed_group_enters_its_members_history(w):
    group = world.sac_group(w)
    group.status = Status.ACCEPTED
    group.save()
    services.group_transition(actor=w.relay_worker, group=group, action="depart")
    assert PastDeparture.objects.filter(scheme="sac_ados", year=2026).count() == 3
    services.group_transition(actor=w.relay_worker, group=group, action="return")
    member = group.members.first()
    services.return_answer(
        group=group,
        member_id=member.pk,
        answers={"rating": 5, "went_well": "Tout", "would_leave_again": True},
    )
    assert member.return_answer.rating == 5


def test_only_the_coordination_runs_the_jury(w):
    with pytest.raises(NotAllowed):
        services.jury_session_create(
            actor=w.relay_worker, held_on=dt.date(2026, 6, 2), place="Arras", jurors="x"
        )


def test_seniors_take_places_on_the_convention_and_the_stay(w):
    group = world.seniors_group(w)
    assert Convention.objects.get().places_used == 2 and Stay.objects.get().places_taken == 2
    by = {m.person_id: m for m in group.members.all()}
    assert {m.aid_cents for m in by.values()} == {16100} and {m.left_to_pay_cents for m in by.values()} == {
        20800
    }
    services.member_add(actor=w.ccas_worker, group=group, person_id=w.seniors[2].pk)
    services.member_remove(actor=w.ccas_worker, group=group, person_id=w.seniors[2].pk)
    assert Convention.objects.get().places_used == 2 and Stay.objects.get().places_taken == 2
    services.group_transition(actor=w.ccas_worker, group=group, action="cancel")
    assert Convention.objects.get().places_used == 0


def test_places_never_exceed_the_convention():
    w = world.build(places=2)
    group = world.seniors_group(w)
    with pytest.raises(DomainError) as exc:
        services.member_add(actor=w.ccas_worker, group=group, person_id=w.seniors[2].pk)
    assert "convention" in exc.value.errors["members"]
    assert Member.objects.filter(group=group).count() == 2


def test_a_stay_in_july_is_refused_at_the_option(w):
    with pytest.raises(DomainError) as exc:
        services.stay_create(
            actor=w.ccas_worker,
            provider="P",
            place="L",
            starts_on=dt.date(2026, 7, 6),
            nights=7,
            price_cents=44200,
            capacity=30,
            option_expires_on=dt.date(2026, 5, 1),
        )
    assert set(exc.value.errors) == {"starts_on"}
    assert Scheme.SENIORS == "seniors-en-vacances" and Role.CARER == "carer"


def test_an_expired_option_takes_no_group(w):
    Stay.objects.filter(pk=w.stay.pk).update(option_expires_on=timezone.localdate() - dt.timedelta(days=1))
    w.stay.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        world.seniors_group(w)
    assert "expiré" in exc.value.errors["stay"]
    assert not Group.objects.exists() and Convention.objects.get().places_used == 0


def test_the_relay_is_trained_by_attending_the_networks_sac_ados_training(w):
    """No declared training date: a professional of the relay present at a Sac Ados session of
    the network (issue 17) makes the relay trained, and the check says from which day."""
    from partez.groups import evaluation
    from partez.groups.models import RelayApproval
    from partez.network.models import Registration, Skill, Training, TrainingSession

    def relay_check():
        verdict = evaluation.verdict_for(
            scheme=Scheme.SAC_ADOS,
            persons=w.young[:3],
            starts_on=world.SUMMER,
            ends_on=world.SUMMER + dt.timedelta(days=5),
            organisation=w.relay,
        )
        return next(c for c in verdict.checks if "formé" in c.label)

    RelayApproval.objects.filter(organisation=w.relay).update(trained_on=None)
    assert "aucune formation" in relay_check().value
    training = Training.objects.create(title="Devenir relais Sac Ados", skill=Skill.SAC_ADOS)
    day = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    roster = attendance.roster_open(
        actor=w.relay_worker, kind="network.training", title="Sac Ados", starts_at=day, organisation=w.relay
    )
    session = TrainingSession.objects.create(
        training=training,
        starts_at=day,
        ends_at=day + dt.timedelta(hours=3),
        trainer="CD 62",
        capacity=12,
        organisation=w.relay,
        roster=roster,
    )
    Registration.objects.create(
        session=session,
        membership=w.relay_worker,
        user=w.relay_worker.user,
        status="confirmed",
        present_at=day,
    )
    check = relay_check()
    assert check.value == "formation du 10/03/2026"
