"""Check-in at a door (trainings, workshops, ceremonies) for the volunteers' devices: the same
answers as the scan page (:mod:`partez.attendance.protocol`). 201 first time, 200 and the same body
for a repeated ``nonce``, 409 already checked in, 404 unknown code or a list the token may not scan."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from partez.attendance import protocol

from .auth import membership_of
from .schemas import WRITE_ERRORS

router = Router(tags=["Pointage"])


class AttendanceIn(Schema):
    code: str = Field(max_length=40, description="Code du billet (tirets et espaces ignorés).")
    nonce: str = Field(
        min_length=8, max_length=64, description="Identifiant unique du pointage, tiré par l'appareil."
    )


@router.post(
    "/{roster}/checkins",
    response={200: dict, 201: dict, **WRITE_ERRORS, 400: dict, 404: dict, 409: dict},
    operation_id="attendance_checkin",
    summary="Pointer un billet à l'entrée",
)
def attendance_checkin(request: HttpRequest, roster: int, payload: AttendanceIn):
    """Pointe le billet `code` sur la liste `roster`. 201 la première fois ; 200 et le même corps
    pour un `nonce` déjà reçu ; 409 si la personne est déjà pointée ; 404 code inconnu."""
    status, answer = protocol.check_in(
        actor=membership_of(request), code=payload.code, nonce=payload.nonce, roster_id=roster
    )
    return Status(status, answer)
