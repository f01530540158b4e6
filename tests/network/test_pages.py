"""The network's pages and API: the shapes the issue names, uploads through the form, the query
budgets of the list pages (constant in the number of rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from partez.network import services
from partez.network.models import Registration, Resource, Visibility
from partez.organisations.services import api_token_create
from tests.conftest import force_login_verified

from .conftest import make_session, professionals

pytestmark = pytest.mark.django_db


def _api(m):
    token = api_token_create(membership=m, name="test")[1]
    return {"Authorization": f"Bearer {token}"}


def _logged(m):
    client = Client()
    force_login_verified(client, m.user)
    return client


def test_api_lists_registers_waitlists_and_cancel_promotes(client, coordination, training):
    session = make_session(coordination, training, capacity=1)
    a, b = professionals(2)
    listed = client.get("/api/v1/trainings", headers=_api(a)).json()
    assert [{k: s[k] for k in ("id", "title", "capacity", "places_left")} for s in listed] == [
        {"id": session.pk, "title": training.title, "capacity": 1, "places_left": 1}
    ]
    assert "starts_at" in listed[0]
    first = client.post(f"/api/v1/trainings/{session.pk}/registrations", headers=_api(a))
    assert (
        first.status_code == 201
        and first.json()["status"] == "confirmed"
        and first.json()["position"] is None
    )
    second = client.post(f"/api/v1/trainings/{session.pk}/registrations", headers=_api(b))
    assert second.status_code == 201 and (second.json()["status"], second.json()["position"]) == (
        "waitlisted",
        1,
    )
    again = client.post(f"/api/v1/trainings/{session.pk}/registrations", headers=_api(b))
    assert again.status_code == 400 and "session" in again.json()["errors"]
    assert client.delete(f"/api/v1/registrations/{first.json()['id']}", headers=_api(b)).status_code == 404
    gone = client.delete(f"/api/v1/registrations/{first.json()['id']}", headers=_api(a))
    assert gone.status_code == 200 and gone.json()["promoted"] == [second.json()["id"]]
    assert Registration.objects.get(pk=second.json()["id"]).status == "confirmed"
    assert client.get("/api/v1/trainings", headers=_api(a)).json()[0]["places_left"] == 0


def test_api_resources_search(client, coordination):
    services.resource_publish(
        actor=coordination,
        data=services.ResourceInput(
            title="Lettre", category="letter", visibility=Visibility.PUBLIC, description="Modèle d'été"
        ),
        upload=SimpleUploadedFile("l.txt", b"x", "text/plain"),
    )
    found = client.get("/api/v1/resources", {"q": "ETE"}, headers=_api(coordination)).json()
    assert [r["title"] for r in found] == ["Lettre"] and found[0]["version"] == 1
    assert client.get("/api/v1/resources", {"q": "hiver"}, headers=_api(coordination)).json() == []


def test_publishing_through_the_form_and_downloading(coordination):
    client = _logged(coordination)
    bad = client.post(
        "/ressources/nouvelle/",
        {
            "title": "",
            "category": "guide",
            "visibility": "public",
            "file": SimpleUploadedFile("x.exe", b"MZ"),
        },
    )
    assert bad.status_code == 200
    assert "Indiquez le titre" in bad.content.decode() or "obligatoire" in bad.content.decode()
    assert "Type de fichier refusé" in bad.content.decode()
    assert not Resource.objects.exists()
    ok = client.post(
        "/ressources/nouvelle/",
        {
            "title": "Guide",
            "category": "guide",
            "visibility": "public",
            "tags": "budget, famille",
            "file": SimpleUploadedFile("guide.txt", b"Bonjour", "text/plain"),
        },
    )
    resource = Resource.objects.get()
    assert ok.status_code == 302 and resource.tags == ["budget", "famille"]
    download = Client().get(f"/ressources/{resource.pk}/v1/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"Bonjour"


def test_session_page_shows_the_qr_of_a_confirmed_registration(coordination, session):
    (m,) = professionals(1)
    client = _logged(m)
    assert client.post(f"/reseau/sessions/{session.pk}/inscription/").status_code == 302
    page = client.get(f"/reseau/sessions/{session.pk}/").content.decode()
    assert "<svg" in page and "Annuler mon inscription" in page


def test_list_pages_query_budgets(coordination, training, django_assert_max_num_queries):
    client = _logged(coordination)
    start = timezone.now() + dt.timedelta(days=3)

    def grow(n):
        for i in range(n):
            s = make_session(coordination, training, days=5 + i)
            for m in professionals(2):
                services.registration_create(actor=m, session=s)
            services.resource_publish(
                actor=coordination,
                data=services.ResourceInput(
                    title=f"R{i}", category="guide", visibility="public", url="https://example.org"
                ),
            )
            services.announcement_post(actor=coordination, title=f"A{i}", body="…")
            e = services.event_save(
                actor=coordination,
                data=services.EventInput(
                    title=f"E{i}", starts_at=start, ends_at=start + dt.timedelta(hours=1), place="L"
                ),
            )
            services.event_register(event=e, actor=coordination)
            services.profile_update(actor=professionals(1, organisation=m.organisation)[0], listed=True)

    pages = [
        "/reseau/formations/",
        "/reseau/formations/formes/",
        "/reseau/evenements/",
        "/ressources/",
        "/ressources/?q=r1",
        "/reseau/annonces/",
        "/reseau/annuaire/?type=relay",
    ]
    grow(2)
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(20) as ctx:
            assert client.get(url).status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    grow(6)
    for url in pages:
        with django_assert_max_num_queries(counts[url]) as ctx:
            assert client.get(url).status_code == 200, url


def test_the_bilan_shows_the_networks_figures(coordination, training):
    from partez.attendance import services as attendance_services
    from tests import factories

    edition = factories.EditionFactory(year=timezone.localdate().year)
    session = make_session(coordination, training, days=-1)
    a, b = professionals(2)
    # registrations are closed once a session started: register before, as the door would find them
    registrations = [
        Registration.objects.create(
            session=session, membership=m, user=m.user, status="confirmed", confirmed_at=timezone.now()
        )
        for m in (a, b)
    ]
    t = attendance_services.ticket_issue(
        roster=session.roster, subject=f"network.registration:{registrations[0].pk}", holder="A"
    )
    attendance_services.check_in(
        actor=coordination, code=t.code, nonce="bilan-nonce-1", roster_id=session.roster_id
    )
    client = _logged(coordination)
    page = client.get("/bilan/", {"edition": edition.year}).content.decode()
    assert "Réseau des professionnel·les" in page
    from partez.network import selectors

    assert selectors.edition_figures(edition.year)["trained"] == 1
    assert selectors.edition_figures(edition.year)["registrations"] == 2
