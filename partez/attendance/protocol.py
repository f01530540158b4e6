"""What a device is answered for a check-in at a door, as (HTTP status, JSON body), for both the
API and the scan page: 201 first time, 200 the same body for a repeated nonce, 409 already checked
in (another scan), 404 unknown code or a list one may not scan, 400 a bad nonce."""

from __future__ import annotations

from partez.core.errors import DomainError
from partez.fete.codes import display_code
from partez.organisations.models import Membership

from . import services


def _error(exc: DomainError, **extra: object) -> dict[str, object]:
    return {"detail": exc.message, "errors": dict(exc.errors), **extra}


def check_in(*, actor: Membership, code: str, nonce: str, roster_id: int) -> tuple[int, dict[str, object]]:
    try:
        attendance, created = services.check_in(actor=actor, code=code, nonce=nonce, roster_id=roster_id)
    except services.UnknownTicket as exc:
        return 404, _error(exc)
    except services.AlreadyCheckedIn as exc:
        return 409, _error(
            exc, holder=exc.attendance.ticket.holder, checked_in_at=exc.attendance.at.isoformat()
        )
    except DomainError as exc:
        return 400, _error(exc)
    ticket = attendance.ticket
    body: dict[str, object] = {
        "id": attendance.pk,
        "code": display_code(ticket.code),
        "holder": ticket.holder,
        "checked_in_at": attendance.at.isoformat(),
        "repeated": not created,
    }
    return (201 if created else 200), body
