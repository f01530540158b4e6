"""Trainings: places, the waitlist and its promotion, the door's check-in, the certificate, the
evaluation, who is trained (the selector other apps' rules read), reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from partez.attendance import services as attendance_services
from partez.core.errors import DomainError, NotAllowed
from partez.network import selectors, services
from partez.network.documents import certificate_pdf
from partez.network.models import Registration, RegistrationStatus, Skill
from partez.organisations.models import OrganisationKind, Role
from tests import factories

from .conftest import make_session, professionals

pytestmark = pytest.mark.django_db


def _check_in(coordination, registration, nonce):
    ticket = services.ticket_of(registration)
    attendance_services.check_in(
        actor=coordination, code=ticket.code, nonce=nonce, roster_id=ticket.roster_id
    )
    registration.refresh_from_db()
    return registration


def test_places_then_waitlist_in_order(session):
    people = professionals(4)
    regs = [services.registration_create(actor=m, session=session) for m in people]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [selectors.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    assert services.ticket_of(regs[0]) is not None and services.ticket_of(regs[2]) is None
    assert selectors.places_left(selectors.sessions_for(None).get(pk=session.pk)) == 0


def test_cancel_promotes_the_first_of_the_waitlist_and_tells_them(
    session, django_capture_on_commit_callbacks
):
    people = professionals(4)
    regs = [services.registration_create(actor=m, session=session) for m in people]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(actor=people[0], registration=regs[0])
    assert [r.pk for r in promoted] == [regs[2].pk]
    regs[2].refresh_from_db()
    assert regs[2].status == RegistrationStatus.CONFIRMED and regs[2].promoted_at is not None
    assert services.ticket_of(regs[2]) is not None
    assert services.ticket_of(Registration.objects.get(pk=regs[0].pk)) is None  # the old ticket is dead
    assert [m.to for m in mail.outbox] == [[people[2].user.email]]
    assert "Une place s'est libérée" in mail.outbox[0].subject
    assert selectors.waitlist_position(Registration.objects.get(pk=regs[3].pk)) == 1


def test_registering_twice_or_after_the_start_is_refused(coordination, training, session):
    (m,) = professionals(1)
    services.registration_create(actor=m, session=session)
    with pytest.raises(DomainError, match="déjà inscrit"):
        services.registration_create(actor=m, session=session)
    past = make_session(coordination, training, days=-1)
    with pytest.raises(DomainError, match="commencé"):
        services.registration_create(actor=m, session=past)


def test_a_funder_may_not_register_and_the_audience_is_honoured(coordination, training):
    funder = factories.MembershipFactory(organisation=factories.FunderFactory(), role=Role.FUNDER)
    session = make_session(coordination, training, audience_kinds=[OrganisationKind.COMMUNE])
    with pytest.raises(NotAllowed):
        services.registration_create(actor=funder, session=session)
    (relay_worker,) = professionals(1)
    with pytest.raises(DomainError, match="types de structures"):
        services.registration_create(actor=relay_worker, session=session)


def test_more_places_promote_and_fewer_than_confirmed_are_refused(coordination, training, session):
    people = professionals(3)
    regs = [services.registration_create(actor=m, session=session) for m in people]
    data = services.SessionInput(
        training=training,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        trainer="X",
        capacity=1,
        place="Lens",
    )
    with pytest.raises(DomainError) as exc:
        services.session_save(actor=coordination, data=data, session=session)
    assert "capacity" in exc.value.errors
    services.session_save(
        actor=coordination, data=data.__class__(**{**data.__dict__, "capacity": 3}), session=session
    )
    regs[2].refresh_from_db()
    assert regs[2].status == RegistrationStatus.CONFIRMED


def test_only_the_coordination_organises(session, training):
    (worker,) = professionals(1)
    with pytest.raises(NotAllowed):
        services.training_save(actor=worker, title="X")
    with pytest.raises(DomainError) as exc:
        services.training_save(actor=session.organisation.memberships.first(), title=" ", duration_hours=99)
    assert set(exc.value.errors) == {"title", "duration_hours"}


def test_check_in_marks_present_makes_trained_and_opens_certificate_and_evaluation(coordination, session):
    relay = factories.OrganisationFactory(kind=OrganisationKind.RELAY, name="Secours de Lens")
    worker, other = professionals(2, organisation=relay)
    reg = services.registration_create(actor=worker, session=session)
    services.registration_create(actor=other, session=session)
    with pytest.raises(DomainError, match="pointé"):
        services.evaluation_submit(actor=worker, registration=reg, rating=5)
    assert list(selectors.trained_professionals(relay, Skill.SAC_ADOS)) == []
    reg = _check_in(coordination, reg, "nonce-door-1")
    assert reg.present_at is not None
    # the sessions's start is ahead in this test: the validity window counts from the session
    assert list(selectors.trained_professionals(relay, "sac_ados")) == [worker]
    assert selectors.trained_professionals(relay, Skill.BUDGET).count() == 0
    assert selectors.is_trained(relay, Skill.SAC_ADOS)
    pdf = certificate_pdf(reg)
    assert pdf.startswith(b"%PDF")
    services.evaluation_submit(actor=worker, registration=reg, rating=4, comment="Très utile")
    reg.refresh_from_db()
    assert (reg.rating, reg.comment) == (4, "Très utile")
    with pytest.raises(DomainError, match="ne s'annule plus"):
        services.registration_cancel(actor=worker, registration=reg)


def test_training_validity_expires(coordination, training):
    relay = factories.OrganisationFactory(kind=OrganisationKind.RELAY)
    (worker,) = professionals(1, organisation=relay)
    session = make_session(coordination, training)
    reg = services.registration_create(actor=worker, session=session)
    _check_in(coordination, reg, "nonce-door-2")
    later = (session.starts_at + dt.timedelta(days=4 * 366)).date()
    assert selectors.trained_professionals(relay, Skill.SAC_ADOS, on=later).count() == 0


def test_reminders_are_sent_once(coordination, training, django_capture_on_commit_callbacks):
    soon = make_session(coordination, training, days=1)
    make_session(coordination, training, days=20)
    (m,) = professionals(1)
    services.registration_create(actor=m, session=soon)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Rappel")


def test_cancelled_by_the_coordination_only_or_oneself(session):
    a, b = professionals(2)
    reg = services.registration_create(actor=a, session=session)
    with pytest.raises(NotAllowed):
        services.registration_cancel(actor=b, registration=reg)
    assert selectors.registration_for(b, reg.pk) is None
    assert timezone.now() < session.starts_at


def test_cancelling_a_session_cancels_and_tells_everyone(
    coordination, session, django_capture_on_commit_callbacks
):
    people = professionals(3)
    regs = [services.registration_create(actor=m, session=session) for m in people]
    with pytest.raises(NotAllowed):
        services.session_cancel(actor=people[0], session=session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_cancel(actor=coordination, session=session, reason="formatrice malade") == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in people)
    assert "formatrice malade" in mail.outbox[0].body
    assert all(services.ticket_of(Registration.objects.get(pk=r.pk)) is None for r in regs)
    assert not selectors.sessions_for(None).filter(pk=session.pk).exists()
    with pytest.raises(DomainError, match="annulée"):
        services.registration_create(actor=professionals(1)[0], session=session)
