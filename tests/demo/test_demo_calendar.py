"""The demo's season is relative to the day it is loaded (partez.demo.calendar): moved by whole
weeks so that its « today » is in that week — a campaign in progress: the Fête ten days past,
departures ahead, appointments in the coming days, no one back before their return."""

import datetime as dt

from django.utils import timezone

from partez.demo import generator
from partez.demo.calendar import TEMPLATE_TODAY, DemoCalendar
from partez.projects.models import JournalKind
from partez.projects.workflow import Status
from partez.territory.data import read_communes
from partez.users.models import User

from .conftest import HOUSEHOLDS, SEED, TODAY, load_demo

COMMUNES = [(c["insee_code"], c["name"], c["population"]) for c in read_communes()]
LATER = dt.date(2026, 12, 4)  # a Friday, 73 weeks and 3 days after the template's « today »


def test_the_calendar_moves_the_season_by_whole_weeks():
    assert DemoCalendar.on(TEMPLATE_TODAY).weeks == 0
    assert DemoCalendar.on(TEMPLATE_TODAY + dt.timedelta(days=6)).weeks == 0
    assert DemoCalendar.on(TEMPLATE_TODAY + dt.timedelta(days=7)).weeks == 1
    assert DemoCalendar.on(TEMPLATE_TODAY - dt.timedelta(days=1)).weeks == -1
    later = DemoCalendar.on(LATER)
    assert later.weeks == 73 and later.years == (2025, 2026)
    assert later.template_day(LATER) == TEMPLATE_TODAY + dt.timedelta(days=3)
    assert later.date(dt.date(2025, 6, 28)) == dt.date(2026, 11, 21)  # still a Saturday
    assert later.date(dt.date(2025, 6, 28)).weekday() == 5


def _plan(today):
    return generator.generate(seed=SEED, communes=COMMUNES, households=HOUSEHOLDS, today=today)


def test_a_later_day_gives_the_same_demo_moved_to_its_week():
    first, later = _plan(TODAY), _plan(LATER)
    shift = dt.timedelta(weeks=73)
    assert [(p.reference, p.status) for p in later.projects] == [
        (p.reference, p.status) for p in first.projects
    ]
    assert [p.start_date for p in later.projects] == [
        p.start_date and p.start_date + shift for p in first.projects
    ]
    assert [h.created_at for h in later.households] == [h.created_at + shift for h in first.households]
    assert [e.year for e in later.editions] == [2025, 2026]
    assert later.editions[-1].name == f"{generator.EDITION_NAME} 2026"
    assert later.editions[-1].starts_on == first.editions[-1].starts_on + shift
    assert _plan(LATER) == later  # the same day, the same demo


def test_on_any_day_the_campaign_is_in_progress():
    for today in (TODAY, LATER, timezone.localdate()):
        plan = _plan(today)
        edition = plan.editions[-1]
        fete = next(planned for kind, _l, planned, _a in edition.milestones if kind == "fete")
        assert fete.weekday() == 5 and 10 <= (today - fete).days <= 16  # the Fête just past
        ahead = [p for p in plan.projects if p.status in (Status.VALIDATED, Status.AID_GRANTED)]
        assert sum(p.start_date is not None and p.start_date > today for p in ahead) >= 10  # departures ahead
        for p in plan.projects:
            if p.status in (Status.DEPARTED, Status.RETURNED, Status.EVALUATED):
                assert p.start_date <= today
            if p.status in (Status.RETURNED, Status.EVALUATED):
                assert p.end_date <= today
            assert all(at.date() <= today for *_x, at, _by in p.changes)  # no decision yet to come
        assert {Status.DEPARTED, Status.RETURNED, Status.EVALUATED} <= {p.status for p in plan.projects}
        week = [
            when.date()
            for p in plan.projects
            for kind, _t, when, _w, _a in p.journal
            if kind == JournalKind.APPOINTMENT
            and when
            and today < when.date() <= today + dt.timedelta(days=7)
        ]
        assert week, f"no appointment in the week after {today}"


def test_loaded_today_the_dashboard_shows_departures_and_appointments(client, db):
    today = timezone.localdate()
    load_demo("--today", today.isoformat())
    client.force_login(User.objects.get(username="coordination"))
    html = client.get("/").content.decode()
    assert "Aucun départ prévu." not in html
    assert "Aucun rendez-vous à venir." not in html
    assert f"Édition : <strong>{DemoCalendar.on(today).year}</strong>" in html
