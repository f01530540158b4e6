"""The Fête: the event and its stands, invitations with every entitlement, check-ins and
hand-overs (idempotent on the nonce, never twice)."""

import pytest

from partez.cheques.models import Cheque
from partez.cheques.services import AlreadyHandedOver
from partez.core.errors import NotAllowed
from partez.fete import selectors, services
from partez.fete.models import Checkin, Handover, HandoverLine, Invitation, ListKind, Stand
from tests import factories

from .conftest import png_bytes


def test_the_fete_has_a_gate_a_stand_per_participating_commune_and_slots(fete_setup):
    fete = fete_setup.fete
    assert fete.checkin_lists.filter(kind=ListKind.GATE).count() == 1
    assert set(Stand.objects.filter(fete=fete, kind="commune").values_list("name", flat=True)) == {
        "Stand de Lens",
        "Stand de Liévin",
    }
    assert fete.slots.count() == 8  # 10 h – 18 h in hours


def test_invitations_cover_cheques_and_collective_stays_with_one_code_each(fete_setup):
    invitations = Invitation.objects.filter(fete=fete_setup.fete)
    assert invitations.count() == 7  # 3 + 3 granted in chèques, 1 « séjour commun »
    assert len(set(invitations.values_list("code", flat=True))) == 7
    camper = invitations.get(household=fete_setup.camper)
    assert [e["kind"] for e in camper.entitlements] == ["camping"]
    first = fete_setup.invitation
    assert first.entitlements == [
        {"kind": "cheques", "label": "Chèques-vacances : 100,00 €", "amount_cents": 10000}
    ]
    assert first.label == "Claire N." and len(first.code) == 10
    # generating again keeps the codes
    again = services.invitations_generate(actor=fete_setup.coordination, fete=fete_setup.fete)
    assert (again.created, again.total) == (0, 7)
    assert Invitation.objects.get(pk=first.pk).code == first.code


def test_checkin_is_idempotent_on_the_nonce_and_once_per_list(fete_setup):
    s = fete_setup
    checkin, created = services.checkin_record(
        actor=s.volunteer, code=s.invitation.code, nonce="n" * 16, list_id=s.gate.pk
    )
    assert created
    again, created = services.checkin_record(
        actor=s.volunteer, code=s.invitation.code, nonce="n" * 16, list_id=s.gate.pk
    )
    assert not created and again.pk == checkin.pk
    with pytest.raises(services.AlreadyCheckedIn):
        services.checkin_record(actor=s.volunteer, code=s.invitation.code, nonce="m" * 16, list_id=s.gate.pk)
    # typed with a dash and in lower case: the same code
    typed = f"{s.invitation.code[:5]}-{s.invitation.code[5:]}".lower()
    _c, created = services.checkin_record(actor=s.volunteer, code=typed, nonce="p" * 16, list_id=s.stand.pk)
    assert created
    assert Checkin.objects.count() == 2


def test_a_stand_refuses_another_communes_code_naming_the_right_stand(fete_setup):
    s = fete_setup
    with pytest.raises(services.WrongStand) as exc:
        services.checkin_record(
            actor=s.volunteer, code=s.other_invitation.code, nonce="x" * 16, list_id=s.stand.pk
        )
    assert exc.value.message == "Ce foyer habite Liévin : il est attendu au stand « Stand de Liévin »."
    assert not Checkin.objects.exists()


def test_roles_that_may_not_scan(fete_setup, worker):
    with pytest.raises(NotAllowed):
        services.checkin_record(
            actor=worker, code=fete_setup.invitation.code, nonce="y" * 16, list_id=fete_setup.gate.pk
        )


def test_handover_with_signature_is_idempotent_and_never_twice(fete_setup):
    s = fete_setup
    serials = list(Cheque.objects.filter(household=s.invitation.household).values_list("serial", flat=True))
    png = png_bytes()
    handover, created = services.handover_record(
        actor=s.volunteer, code=s.invitation.code, serials=serials, signature_png=png, nonce="h" * 16
    )
    assert created and handover.amount_cents == 10000 and len(handover.signature_sha256) == 64
    assert set(Cheque.objects.filter(serial__in=serials).values_list("status", flat=True)) == {"handed_over"}
    same, created = services.handover_record(
        actor=s.volunteer, code=s.invitation.code, serials=serials, signature_png=png, nonce="h" * 16
    )
    assert not created and same.pk == handover.pk
    with pytest.raises(services.HandoverConflict):
        services.handover_record(
            actor=s.volunteer, code=s.invitation.code, serials=serials, signature_png=png, nonce="k" * 16
        )
    # another household trying serials already handed: refused, nothing handed
    other = (
        Invitation.objects.filter(commune=s.invitation.commune, entitlements__0__kind="cheques")
        .exclude(pk=s.invitation.pk)
        .first()
    )
    own = list(Cheque.objects.filter(household=other.household).values_list("serial", flat=True))
    with pytest.raises(AlreadyHandedOver):
        services.handover_record(
            actor=s.volunteer, code=other.code, serials=own + serials[:1], signature_png=png, nonce="j" * 16
        )
    assert not Handover.objects.filter(invitation=other).exists()
    assert HandoverLine.objects.count() == len(serials)


def test_a_signature_must_be_a_png(fete_setup):
    with pytest.raises(services.DomainError, match="PNG"):
        services.decode_signature("aGVsbG8=")


def test_rsvp(fete_setup):
    inv = services.invitation_rsvp(code=fete_setup.invitation.code, answer="yes")
    assert inv.rsvp == "yes" and inv.rsvp_at is not None
    with pytest.raises(services.UnknownCode):
        services.invitation_rsvp(code="ZZZZZZZZZZ", answer="yes")


def test_commune_volunteers_see_the_gate_and_their_stand(fete_setup, ccas):
    from partez.organisations.models import Role

    m = factories.MembershipFactory(organisation=ccas, role=Role.VOLUNTEER)
    assert {cl.name for cl in selectors.lists_for(m, fete_setup.fete)} == {"Entrée", "Stand de Lens"}
    with pytest.raises(services.UnknownCode):
        services.checkin_record(
            actor=m, code=fete_setup.other_invitation.code, nonce="z" * 16, list_id=fete_setup.other_stand.pk
        )


def test_the_bilan_counts_the_households_checked_in_at_the_gate(fete_setup):
    from partez.reports import selectors as bilan
    from partez.reports.selectors import Filters

    s = fete_setup
    assert bilan.bilan(Filters(s.edition)).fete_attendance == 0
    services.checkin_record(actor=s.volunteer, code=s.invitation.code, nonce="g" * 16, list_id=s.gate.pk)
    services.checkin_record(
        actor=s.volunteer, code=s.other_invitation.code, nonce="h" * 16, list_id=s.gate.pk
    )
    # a stand check-in is a hand-over visit, not a second presence
    services.checkin_record(actor=s.volunteer, code=s.invitation.code, nonce="s" * 16, list_id=s.stand.pk)
    assert bilan.bilan(Filters(s.edition)).fete_attendance == 2


def test_every_stand_outcome_says_what_to_hand_over_and_why():
    from partez.fete.selectors import to_hand_over

    camping = [{"kind": "camping", "label": "Séjour commun : convocation et documents"}]
    cheques = [{"kind": "cheques", "label": "Chèques-vacances : 100,00 €"}]
    ready = to_hand_over([{"serial": "1", "denomination_cents": 5000}], None, cheques)
    assert ready == {"status": "ready", "reason": ""}
    done = to_hand_over([], "R-ABC", cheques)
    assert done["status"] == "done" and "R-ABC" in done["reason"]
    not_prepared = to_hand_over([], None, cheques)
    assert not_prepared["status"] == "nothing" and "pas encore préparés" in not_prepared["reason"]
    papers = to_hand_over([], None, camping)
    assert "pas de chèques-vacances attribués" in papers["reason"] and "convocation" in papers["reason"]
