"""A Sac Ados group from the first meeting to the pack: a relay opens the group, the young people
fill in their project and budget through their link, the coordination's jury scores and accepts
it, and the packs are handed over at the ceremony on a phone, each with its signature; axe-core
and a phone-width check on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.attendance.models import Ticket
from partez.groups.models import Group, Pack, Status
from tests.factories import groups as world

from .helpers import DESKTOP, PHONE, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(chromium, live_server):
    context = chromium.new_context(
        viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    return context


def _sign(page, canvas) -> None:
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 20 + i * 18, box["y"] + 30 + (i % 3) * 15)
    page.mouse.up()


def test_a_sac_ados_group_from_its_opening_to_the_pack(page, chromium, live_server):
    w = world.build(young=3, senior_count=0)
    start = timezone.localdate() + dt.timedelta(days=40)

    # the relay opens the group
    log_in(page, w.relay_worker.user.username)
    page.goto("/groupes/nouveau/?dispositif=sac-ados")
    check_page(page, "groups-01-new")
    page.get_by_label("Nom du groupe").fill("Les Baroudeuses")
    page.get_by_label("Destination").fill("Marseille")
    page.get_by_label("Départ").fill(start.isoformat())
    page.get_by_label("Retour").fill((start + dt.timedelta(days=5)).isoformat())
    for p in w.young:
        page.get_by_label(re.compile(f"{p.first_name} {p.last_name}")).first.check()
    page.get_by_role("button", name="Ouvrir le groupe").click()
    expect(page.get_by_role("heading", name="Les Baroudeuses", level=1)).to_be_visible()
    expect(page.get_by_text("✓ Éligible")).to_have_count(3)
    page.get_by_role("button", name=re.compile("Inviter les jeunes")).click()
    link = page.locator("#invite-link").inner_text()
    check_page(page, "groups-02-group")

    # the young people fill in their project on a phone, without an account
    young = _context(chromium, live_server).new_page()
    young.set_viewport_size(PHONE)
    young.goto(link)
    expect(young.get_by_role("heading", level=1)).to_contain_text("notre projet")
    young.get_by_label("Comment vous voyagez").fill("TGV Lille – Marseille")
    young.get_by_label("Ce que vous voulez faire").fill("Les calanques en kayak, le vieux port")
    young.get_by_label("Transport (€)").fill("450")
    young.get_by_label("Hébergement (€)").fill("600.50")
    young.get_by_label("Ce que nous payons (€)").fill("300")
    young.get_by_label("Bourse Sac Ados (€)").fill("450")
    young.get_by_role("button", name="Enregistrer le projet").click()
    expect(young.get_by_role("status").filter(has_text="enregistré")).to_be_visible()
    check_page(young, "groups-03-young-people")
    young.context.close()

    page.reload()
    expect(page.get_by_text("1 050,50")).to_be_visible()
    page.get_by_role("button", name="Présenter au jury").click()
    expect(page.locator(".badge.status-submitted")).to_be_visible()

    # the coordination's jury scores and accepts it, then prepares the ceremony
    jury = _context(chromium, live_server).new_page()
    log_in(jury, w.coordination.user.username)
    jury.goto("/groupes/jury/")
    check_page(jury, "groups-04-jury")
    session = jury.locator("form", has=jury.locator('input[name="form"][value="session"]'))
    session.get_by_label("Date").fill(timezone.localdate().isoformat())
    session.get_by_label("Lieu").fill("Hôtel du Département, Arras")
    session.get_by_label("Membres du jury").fill("Élue jeunesse, CAF, coordination")
    session.get_by_role("button", name="Créer la session").click()
    jury.get_by_label("Groupe présenté").select_option(
        label=f"{Group.objects.get().reference} — Les Baroudeuses"
    )
    jury.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    for label, score in (
        ("Projet construit", "4"),
        ("Budget réaliste", "3"),
        ("Sécurité", "3"),
        ("Présentation", "4"),
    ):
        jury.get_by_label(re.compile(label)).select_option(score)
    jury.get_by_label("Accepté").check()
    check_page(jury, "groups-05-session")
    jury.get_by_role("button", name="Enregistrer la décision").click()
    expect(jury.get_by_text(re.compile("Accepté, note 88/100"))).to_be_visible()
    assert Group.objects.get().status == Status.ACCEPTED
    jury.goto("/groupes/jury/")
    stock = jury.locator("form", has=jury.locator('input[name="form"][value="stock"]'))
    stock.get_by_label("Sacs en stock").fill("30")
    stock.get_by_label("Kits de prévention en stock").fill("30")
    stock.get_by_role("button", name="Mettre à jour").click()
    ceremony = jury.locator("form", has=jury.locator('input[name="form"][value="ceremony"]'))
    ceremony.get_by_label("Date et heure").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    ceremony.get_by_label("Lieu").fill("Arras")
    ceremony.get_by_label(re.compile("Les Baroudeuses")).check()
    ceremony.get_by_role("button", name="Préparer la cérémonie").click()
    expect(jury.get_by_role("heading", level=1)).to_contain_text("Remise des packs")
    roster_id = int(jury.url.rstrip("/").split("/")[-1])
    jury.context.close()

    # at the ceremony, on the relay's phone: the door, then each pack with its signature
    page.set_viewport_size(PHONE)
    page.expected_console_errors = ["status of 4"]
    page.goto(f"/pointage/{roster_id}/")
    code = page.get_by_label("Code du billet")
    for t in Ticket.objects.filter(roster_id=roster_id):
        code.fill(t.code)
        code.press("Enter")
    expect(page.locator("#present")).to_have_text("3", timeout=20_000)
    page.goto(f"/groupes/ceremonies/{roster_id}/")
    check_page(page, "groups-06-handover")
    page.set_viewport_size(PHONE)
    for _ in range(3):
        form = page.locator("form.handover").first
        form.get_by_label("N° d'assurance nominative").fill(f"ASS-{_ + 1}")
        _sign(page, form.locator("canvas.signature-pad"))
        form.get_by_role("button", name="Remettre le pack").click()
        expect(page.get_by_role("status").filter(has_text="Pack remis")).to_be_visible()
    expect(page.get_by_text("✓ Pack remis")).to_have_count(3)
    check_page(page, "groups-07-ceremony-done")
    packs = Pack.objects.all()
    assert packs.count() == 3 and all(
        p.handed_at and p.signature_png and p.bourse_cents == 15000 for p in packs
    )
