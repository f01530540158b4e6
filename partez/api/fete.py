"""The Fête des vacances for the volunteers' devices: check-in lists, invitations (coordination),
check-ins and hand-overs. Every write carries a client ``nonce``: a device re-sending its queue
after a network loss gets the first answer again (200, same body) instead of a duplicate.

Answers: ``POST /checkins`` → 201 first time, 200 repeated nonce, 409 already checked in on that
list (another nonce), 404 unknown code, 400 a stand's list given another commune's code (the
message and ``expected_stand`` name the right stand). ``POST /handovers`` → 201, 200 repeated
nonce, 409 already handed over (a serial, or the household at another device: nothing handed).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from partez.core.collation import french_order
from partez.core.errors import NotAllowed
from partez.fete import protocol, selectors
from partez.fete.models import Invitation
from partez.organisations import perms

from .auth import membership_of
from .errors import ObjectNotFound
from .schemas import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["Fête des vacances"])

NO_FETE = "Aucune Fête des vacances n'est organisée pour l'édition en cours."


class CheckinListOut(Schema):
    id: int
    name: str
    kind: str = Field(description="« gate » (entrée) ou « stand ».")
    commune: str | None = Field(description="Code INSEE de la commune du stand ; null pour l'entrée.")


class InvitationOut(Schema):
    code: str
    household: str = Field(description="Référence du foyer.")
    commune: str = Field(description="Code INSEE de la commune du foyer.")


class CheckinIn(Schema):
    code: str = Field(max_length=40, description="Code de l'invitation (tirets et espaces ignorés).")
    nonce: str = Field(
        min_length=8, max_length=64, description="Identifiant unique du pointage, tiré par l'appareil."
    )
    list_id: int = Field(alias="list", description="Identifiant de la liste de pointage.")


class HandoverIn(Schema):
    code: str = Field(max_length=40)
    booklets: list[str] = Field(min_length=1, max_length=200, description="Numéros des chèques remis.")
    signature_png_base64: str = Field(max_length=420_000, description="Signature du foyer, PNG en base64.")
    nonce: str = Field(min_length=8, max_length=64)
    list_id: int | None = Field(
        default=None, alias="list", description="Liste du stand (facultatif) : vérifie la commune."
    )


def _fete_or_404():
    fete = selectors.current_fete()
    if fete is None:
        raise ObjectNotFound(NO_FETE)
    return fete


def _volunteer(request):
    m = membership_of(request)
    if not perms.can_check_in(m):
        raise NotAllowed("Votre rôle ne permet pas de pointer les invitations.")
    return m


@router.get(
    "/checkin-lists",
    response={200: list[CheckinListOut], **READ_ERRORS},
    operation_id="checkin_lists",
    summary="Listes de pointage",
)
def checkin_lists(request: HttpRequest):
    """L'entrée et les stands de la Fête en cours que ce jeton peut pointer (tous pour la
    coordination ; l'entrée et le stand de sa commune pour une commune)."""
    m = _volunteer(request)
    fete = _fete_or_404()
    return [
        CheckinListOut(
            id=cl.pk,
            name=cl.name,
            kind=cl.kind,
            commune=cl.stand.commune.insee_code if cl.stand and cl.stand.commune else None,
        )
        for cl in selectors.lists_for(m, fete).order_by("kind", "name")
    ]


@router.get(
    "/invitations",
    response={200: list[InvitationOut], **READ_ERRORS},
    operation_id="invitations_list",
    summary="Invitations de la Fête",
)
def invitations(request: HttpRequest, commune: str | None = None):
    """Les invitations de la Fête en cours (coordination), filtrées par `commune` (code INSEE)."""
    m = membership_of(request)
    if not perms.can_manage_fete(m):
        raise NotAllowed("Seule la coordination consulte toutes les invitations.")
    fete = _fete_or_404()
    qs = (
        Invitation.objects.filter(fete=fete)
        .select_related("household", "commune")
        .order_by(french_order("commune__name"), "code")
    )
    if commune:
        qs = qs.filter(commune__insee_code=commune)
    return [
        InvitationOut(code=i.code, household=i.household.reference, commune=i.commune.insee_code)
        for i in qs.only("code", "household__reference", "commune__insee_code", "commune__name")
    ]


@router.post(
    "/checkins",
    response={200: dict, 201: dict, **WRITE_ERRORS, 400: dict, 403: dict, 404: dict, 409: dict},
    operation_id="checkin_create",
    summary="Pointer une invitation",
)
def checkin_create(request: HttpRequest, payload: CheckinIn):
    """Pointe le foyer du `code` sur la liste `list`. 201 la première fois ; 200 et le même
    corps pour un `nonce` déjà reçu ; 409 si le foyer est déjà pointé sur cette liste (autre
    nonce) ; 404 code inconnu ; 400 si le stand n'est pas celui de la commune du foyer (le bon
    stand est nommé dans `expected_stand`). À un stand, `to_hand_over` dit ce qu'il y a à remettre
    (`status` : `ready`, `done` déjà remis, `nothing`) et, quand il n'y a rien, pourquoi (`reason`)."""
    status, answer = protocol.checkin(
        actor=membership_of(request), code=payload.code, nonce=payload.nonce, list_id=payload.list_id
    )
    return Status(status, answer)


@router.post(
    "/handovers",
    response={200: dict, 201: dict, **WRITE_ERRORS, 400: dict, 403: dict, 404: dict, 409: dict},
    operation_id="handover_create",
    summary="Remettre les chèques d'un foyer",
)
def handover_create(request: HttpRequest, payload: HandoverIn):
    """Remet au foyer du `code` les chèques préparés `booklets` (numéros), avec sa signature
    (PNG en base64, son empreinte SHA-256 est gardée). 201 ; 200 et le même corps pour un
    `nonce` déjà reçu ; 409 si un numéro est déjà remis ou si le foyer a déjà été servi (rien
    n'est remis alors) ; 404 code inconnu."""
    status, answer = protocol.handover(
        actor=membership_of(request),
        code=payload.code,
        serials=payload.booklets,
        signature_png_base64=payload.signature_png_base64,
        nonce=payload.nonce,
        list_id=payload.list_id,
    )
    return Status(status, answer)
