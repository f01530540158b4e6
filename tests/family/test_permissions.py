"""The families' sessions, one table: every page of the space and a few staff pages, for an
anonymous visitor, the household's own session, another household's session, a session whose
access was withdrawn, and a social worker of the CCAS (the staff callers' rows are in
tests/test_permission_matrix.py). A household's link opens only its own space; staff pages
are never reachable from a family session (log-in page)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partez.family import services
from partez.projects.models import JournalEntry, JournalKind
from tests import factories
from tests.factories import family

CALLERS = ["anonymous", "family", "neighbour", "revoked", "worker"]

# fmt: off
ROWS = [
    # url name, method, kwargs (attributes of the world), statuses in CALLERS order
    ("family_home", "GET", {}, "403 200 200 403 403"),
    ("family_budget", "GET", {}, "403 200 200 403 403"),
    ("family_documents", "GET", {}, "403 200 200 403 403"),
    ("family_document", "GET", {"pk": "document"}, "403 200 404 403 403"),
    ("family_choices", "GET", {}, "403 200 200 403 403"),
    ("family_answer", "POST", {"pk": "proposal"}, "403 302 404 403 403"),
    ("family_fete", "GET", {}, "403 200 200 403 403"),
    ("family_story", "GET", {}, "403 200 200 403 403"),
    ("family_photo", "GET", {"pk": "photo"}, "403 200 404 403 403"),
    ("family_appointment", "GET", {"pk": "appointment"}, "403 200 404 403 403"),
    ("family_code", "GET", {}, "200 200 200 200 200"),
    ("family_sms", "GET", {}, "200 200 200 200 200"),
    ("family_leave", "POST", {}, "200 200 200 200 200"),
    # staff pages: a family session is not a log-in
    ("dashboard", "GET", {}, "302 302 302 302 200"),
    ("household_detail", "GET", {"pk": "household"}, "302 302 302 302 200"),
    ("family_invite", "GET", {"pk": "household"}, "302 302 302 302 200"),
    ("family_staff_document", "GET", {"pk": "document"}, "302 302 302 302 200"),
    ("family_staff_photo", "GET", {"pk": "photo"}, "302 302 302 302 200"),
    ("family_stories", "GET", {}, "302 302 302 302 403"),
    ("family_testimonies", "GET", {}, "200 200 200 200 200"),
    ("family_testimony_photo", "GET", {"pk": "photo"}, "404 404 404 404 404"),
]
# fmt: on


@pytest.fixture
def world(worker, ccas, commune, edition):
    w = type("World", (), {})()
    w.household = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    factories.PersonFactory(household=w.household)
    project = factories.ProjectFactory(household=w.household, organisation=ccas, edition=edition)
    access, w.document, w.proposal, w.photo = family.space_of(worker, w.household, project)
    w.appointment = JournalEntry.objects.create(
        project=project,
        kind=JournalKind.APPOINTMENT,
        text="Rendez-vous",
        happens_at=timezone.now() + dt.timedelta(days=2),
        author=worker.user,
        organisation=ccas,
    )
    neighbour = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    factories.PersonFactory(household=neighbour)
    factories.ProjectFactory(household=neighbour, organisation=ccas, edition=edition)
    revoked = family.grant(worker, w.household)
    w.clients = {
        "anonymous": Client(),
        "family": family.family_client(family.grant(worker, w.household)),
        "neighbour": family.family_client(family.grant(worker, neighbour)),
        "revoked": family.family_client(revoked),
        "worker": Client(),
    }
    services.access_revoke(actor=worker, access=revoked.access)
    w.clients["worker"].force_login(worker.user)
    return w


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "kwargs", "statuses"), ROWS, ids=[r[0] for r in ROWS])
def test_family_sessions(world, name, method, kwargs, statuses):
    url = reverse(name, kwargs={k: getattr(world, v).pk for k, v in kwargs.items()})
    expected = dict(zip(CALLERS, (int(s) for s in statuses.split()), strict=True))
    got = {}
    for caller in CALLERS:
        client = world.clients[caller]
        response = client.get(url) if method == "GET" else client.post(url, {"answer": "accepted"})
        got[caller] = response.status_code
    assert got == expected


@pytest.mark.django_db
def test_every_family_url_has_a_row():
    from partez.www import urls_family

    staff_side = {
        "family_invite",
        "family_revoke",
        "family_propose",
        "family_staff_document",
        "family_staff_photo",
        "family_story_moderate",
    }
    covered = {r[0] for r in ROWS} | {"family_enter", "family_service_worker"}  # tested in test_access
    names = {p.name for p in urls_family.urlpatterns}
    assert names - covered - staff_side == set()
