"""The group pages: a relay's groups and a group's page, the young people's link, the jury with
its minutes, the ceremony on a phone, the ANCV list; query budgets on the list pages."""

from __future__ import annotations

import base64
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from partez.attendance import services as attendance
from partez.attendance.models import Ticket
from partez.groups import services
from partez.groups.models import Group, JuryReview, Pack, Status
from tests.factories import groups as world
from tests.fete.conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world.build(young=6)


def test_a_relay_opens_a_group_from_the_form(client, w):
    client.force_login(w.relay_worker.user)
    url = reverse("groups_create") + "?dispositif=sac-ados"
    page = client.get(url)
    assert page.status_code == 200 and w.young[0].first_name in page.content.decode()
    bad = client.post(
        url,
        {
            "scheme": "sac-ados",
            "name": "",
            "destination": "Lille",
            "starts_on": "2026-07-10",
            "ends_on": "2026-07-11",
            "members": [w.young[0].pk],
        },
    )
    text = bad.content.decode()
    assert bad.status_code == 200 and "Ce champ est obligatoire" in text
    bad = client.post(
        url,
        {
            "scheme": "sac-ados",
            "name": "Les Ch'tis",
            "destination": "Lille",
            "starts_on": "2026-07-10",
            "ends_on": "2026-07-11",
            "members": [w.young[0].pk],
        },
    )
    text = bad.content.decode()
    assert "de 2 à 6 participant" in text and "au moins 4 nuits" in text  # every refusal at once
    ok = client.post(
        url,
        {
            "scheme": "sac-ados",
            "name": "Les Ch'tis",
            "destination": "Lille",
            "starts_on": "2026-07-10",
            "ends_on": "2026-07-15",
            "members": [p.pk for p in w.young[:3]],
        },
    )
    group = Group.objects.get()
    assert ok.status_code == 302 and ok.url == reverse("groups_detail", args=[group.pk])
    detail = client.get(ok.url).content.decode()
    assert "Les Ch&#x27;tis" in detail and "✓ Éligible" in detail and "Âge le jour du départ" in detail


def test_the_young_people_fill_in_their_project_through_their_link(client, w):
    group = world.sac_group(w)
    client.force_login(w.relay_worker.user)
    client.post(reverse("groups_invite", args=[group.pk]))
    page = client.get(reverse("groups_detail", args=[group.pk])).content.decode()
    link = page.split('id="invite-link" class="invite-link">')[1].split("<")[0]
    client.logout()
    path = link.split("testserver")[1]
    assert client.get(path).status_code == 200
    r = client.post(
        path,
        {
            "destination": "Marseille",
            "transport": "Train",
            "wishes": "Les calanques",
            "budget_transport": "450",
            "budget_accommodation": "600",
            "budget_own": "300",
        },
    )
    assert "enregistré" in r.content.decode()
    group.refresh_from_db()
    assert group.wishes == "Les calanques" and group.budget_lines.count() == 3
    assert client.get("/mon-groupe/faux-jeton/").status_code == 404


def test_jury_session_decision_and_minutes(client, w):
    group = world.sac_group(w)
    services.group_transition(actor=w.relay_worker, group=group, action="submit")
    client.force_login(w.coordination.user)
    r = client.post(
        reverse("groups_jury"),
        {
            "form": "session",
            "session-held_on": "2026-06-02",
            "session-place": "Arras",
            "session-jurors": "Élue, CAF, Département",
        },
    )
    session_url = r.url
    pk = int(session_url.rstrip("/").split("/")[-1])
    client.post(reverse("groups_jury_agenda", args=[pk]), {"group": group.pk})
    review = JuryReview.objects.get()
    prefix = f"r{review.pk}-"
    client.post(
        reverse("groups_jury_decide", args=[pk, review.pk]),
        {
            prefix + "score_autonomy": "4",
            prefix + "score_budget": "3",
            prefix + "score_safety": "3",
            prefix + "score_presentation": "4",
            prefix + "decision": "accepted",
        },
    )
    group.refresh_from_db()
    assert group.status == Status.ACCEPTED
    pdf = client.get(reverse("groups_jury_minutes", args=[pk]))
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )


def test_the_ceremony_on_a_phone_hands_packs_over_with_signatures(client, w):
    group = world.sac_group(w)
    Group.objects.filter(pk=group.pk).update(status=Status.ACCEPTED)
    services.stock_set(actor=w.coordination, year=timezone.now().year, bags=10, kits=10)
    roster = services.ceremony_open(
        actor=w.coordination, title="Remise à Arras", starts_at=timezone.now(), place="Arras", groups=[group]
    )
    client.force_login(w.relay_worker.user)
    page = client.get(reverse("groups_ceremony", args=[roster.pk])).content.decode()
    assert "Pas encore pointé" in page
    t = Ticket.objects.filter(roster=roster).first()
    attendance.check_in(actor=w.relay_worker, code=t.code, nonce="nonce-page-1", roster_id=roster.pk)
    pack = Pack.objects.get(present_at__isnull=False)
    sig = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    client.post(
        reverse("groups_pack_hand_over", args=[pack.pk]),
        {"insurance_reference": "MAIF-1", "bag": "on", "kit": "on", "signature_png_base64": sig},
    )
    pack.refresh_from_db()
    assert pack.handed_at and pack.signature_sha256 and pack.bag
    client.force_login(w.coordination.user)
    xlsx = client.get(reverse("groups_insurance", args=[roster.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][:3] == ("Nom", "Prénom", "Date de naissance") and len(rows) == 4


def test_the_ancv_list(client, w):
    group = world.seniors_group(w)
    client.force_login(w.ccas_worker.user)
    xlsx = client.get(reverse("groups_ancv_list", args=[group.pk]))
    assert xlsx.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.values)
    header = next(i for i, r in enumerate(rows) if r and r[0] == "N°")
    assert rows[header + 1][8] == 161 and rows[header + 1][9] == 208  # aid and left to pay, in euros
    assert len(rows) - header - 1 == 2


def test_list_pages_keep_their_query_budget(client, w, django_assert_max_num_queries):
    for i in range(3):
        world.sac_group(w, w.young[2 * i : 2 * i + 2], name=f"Groupe {i}")
    client.force_login(w.relay_worker.user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("groups_list")).status_code == 200
    client.force_login(w.coordination.user)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("groups_jury")).status_code == 200
    group = Group.objects.first()
    client.force_login(w.relay_worker.user)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("groups_detail", args=[group.pk])).status_code == 200


def test_the_household_file_shows_its_group_departures(client, w):
    group = world.sac_group(w)
    client.force_login(w.relay_worker.user)
    page = client.get(reverse("household_detail", args=[w.young[0].household_id])).content.decode()
    assert "Départs en groupe" in page and reverse("groups_detail", args=[group.pk]) in page
