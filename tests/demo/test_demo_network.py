"""The demo's network: a year of trainings (places left, full with a waitlist, past with
attendance), the colloque with registrations and check-ins, ~40 resources, the directory filled,
announcements; relay structures with a trained Sac Ados professional; deterministic."""

from __future__ import annotations

import datetime as dt

from partez.demo.generator import TZ
from partez.network import selectors
from partez.network.models import (
    Announcement,
    Event,
    Profile,
    Registration,
    RegistrationStatus,
    Resource,
    ResourceCategory,
    Skill,
)
from partez.organisations.models import Organisation, OrganisationKind

from .conftest import TODAY, load_demo


def test_a_year_of_trainings_with_waitlists_and_attendance(demo):
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=TZ)  # the demo's « today »
    sessions = list(selectors.sessions_for(None))
    assert len(sessions) == 8
    upcoming = [s for s in sessions if s.starts_at > now]
    past = [s for s in sessions if s.starts_at <= now]
    assert len(past) == 3 and len(upcoming) == 5
    assert any(selectors.places_left(s) > 0 for s in upcoming)
    full = [s for s in upcoming if selectors.places_left(s) == 0 and s.waitlisted > 0]
    assert len(full) == 2
    for s in upcoming:
        assert s.confirmed <= s.capacity
    present = Registration.objects.filter(session__in=past, present_at__isnull=False)
    assert present.count() > 20
    assert not Registration.objects.filter(session__in=upcoming, present_at__isnull=False).exists()
    relays = Organisation.objects.filter(kind=OrganisationKind.RELAY)
    assert any(selectors.is_trained(r, Skill.SAC_ADOS) for r in relays)


def test_colloque_library_directory_and_news(demo):
    colloque = Event.objects.get(slug="colloque-droit-aux-vacances")
    figures = selectors.event_figures(colloque)
    assert figures["registered"] == 90 and 0 < figures["present"] < 90 and figures["professionals"] == 60
    assert colloque.programme.count() == 5
    assert 38 <= Resource.objects.count() <= 50
    assert Resource.objects.filter(validated_at__isnull=False).count() > 10
    sheets = Resource.objects.filter(category=ResourceCategory.PRACTICE)
    assert sheets.count() == len(selectors.practice_rows(colloque.edition_id))
    assert selectors.resources_for(None, q="sans voiture").exists()
    assert Profile.objects.filter(listed=True).count() > 40
    structures = selectors.directory(commune="62498")
    assert any(s.people for s in structures)
    assert Announcement.objects.count() == 6


def test_the_network_demo_is_deterministic(demo):
    def snapshot():
        return (
            list(
                Registration.objects.order_by("session__starts_at", "user__username").values_list(
                    "session__training__title", "user__username", "status", "present_at", "rating"
                )
            ),
            sorted(Profile.objects.filter(listed=True).values_list("user__username", "job_title")),
        )

    before = snapshot()
    load_demo("--reset")
    assert snapshot() == before
    assert RegistrationStatus.WAITLISTED in {r[2] for r in before[0]}
