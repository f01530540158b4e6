"""The timeline (frise) and the reminders before report deadlines."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from partez.organisations.models import OrganisationKind, Role
from partez.reports import reminders, svg, timeline
from partez.reports.models import ReminderSent
from partez.territory.models import Milestone, MilestoneKind
from tests import factories


@pytest.fixture
def deadline(db):
    edition = factories.EditionFactory(year=2025)
    coordination = factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None)
    factories.MembershipFactory(
        organisation=coordination, role=Role.COORDINATOR, user__email="coord@example.org"
    )
    caf = factories.FunderFactory(slug="caf-pas-de-calais", name="CAF du Pas-de-Calais")
    return Milestone.objects.create(
        edition=edition, kind=MilestoneKind.REPORTS_DUE, planned_on=dt.date(2025, 11, 28), funder=caf
    )


def test_reminders_are_sent_once_per_delay(deadline):
    assert reminders.reminders_send(today=dt.date(2025, 10, 1)) == []  # 58 days ahead: nothing yet
    sent = reminders.reminders_send(today=dt.date(2025, 10, 29))
    assert [(s.days_before, s.recipients) for s in sent] == [(30, 1)]
    assert mail.outbox[0].to == ["coord@example.org"] and "CAF du Pas-de-Calais" in mail.outbox[0].subject
    assert reminders.reminders_send(today=dt.date(2025, 10, 29)) == []  # the same day again
    assert reminders.reminders_send(today=dt.date(2025, 11, 2)) == []
    assert [s.days_before for s in reminders.reminders_send(today=dt.date(2025, 11, 22))] == [7]
    assert len(mail.outbox) == 2


def test_a_late_run_sends_only_the_closest_reminder(deadline):
    assert [s.days_before for s in reminders.reminders_send(today=dt.date(2025, 11, 27))] == [1]
    assert set(ReminderSent.objects.values_list("days_before", flat=True)) == {1, 7, 30}
    assert len(mail.outbox) == 1


def test_a_done_deadline_is_not_reminded(deadline):
    deadline.actual_on = dt.date(2025, 11, 20)
    deadline.save()
    assert reminders.reminders_send(today=dt.date(2025, 11, 27)) == []


def test_send_reminders_command(deadline):
    out = __import__("io").StringIO()
    call_command("send_reminders", "--today", "2025-11-21", "--days", "7", stdout=out)
    assert "1 rappel(s) envoyé(s)" in out.getvalue()
    call_command("send_reminders", "--today", "2025-11-21", "--days", "7", stdout=out)
    assert "0 rappel(s) envoyé(s)" in out.getvalue() and len(mail.outbox) == 1
    with pytest.raises(Exception, match="invalide"):
        call_command("send_reminders", "--today", "hier")


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="concurrency is tested on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_one_reminder(deadline):
    barrier = threading.Barrier(4)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(len(reminders.reminders_send(today=dt.date(2025, 11, 22))))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert ReminderSent.objects.filter(days_before=7).count() == 1
    assert len(mail.outbox) == 1


def test_timeline_svg_shows_planned_and_actual(deadline):
    Milestone.objects.create(
        edition=deadline.edition,
        kind=MilestoneKind.FETE,
        planned_on=dt.date(2025, 6, 28),
        actual_on=dt.date(2025, 6, 29),
    )
    drawing = timeline.frise(deadline.edition, today=dt.date(2025, 7, 1))
    assert drawing.count("<circle") == 3  # two planned, one actual
    assert 'role="img"' in drawing and "prévu le 28/06/2025, réalisé le 29/06/2025" in drawing
    assert "Bilans dus aux financeurs (CAF du Pas-de-Calais)" in drawing
    assert "aujourd'hui" in drawing
    assert svg.breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]


def test_the_coordinator_records_an_actual_date_on_the_edition_page(client, deadline):
    coordinator = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None),
        role=Role.COORDINATOR,
    )
    client.force_login(coordinator.user)
    page = client.get(reverse("edition_detail", args=[2025]))
    assert "Frise chronologique 2025" in page.content.decode()
    p = f"ms{deadline.pk}-"
    response = client.post(
        reverse("milestone_edit", args=[2025, deadline.pk]),
        {
            p + "kind": "reports_due",
            p + "planned_on": "2025-11-28",
            p + "actual_on": "2025-11-25",
            p + "funder": deadline.funder_id,
        },
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.actual_on == dt.date(2025, 11, 25) and deadline.funder_id is not None
