"""What a volunteer's device is answered for a scan or a hand-over, as (HTTP status, JSON body) —
one place for the two doors the devices use: the API (token, ``partez/api/fete.py``) and the scan
page of the web app (session, ``partez/www/views/fete.py``), so both answer exactly alike.

Check-in: 201 first time, 200 with the same body for a repeated nonce, 409 already checked in
on that list under another nonce, 404 unknown code or list, 400 a stand's list given another
commune's code (``expected_stand`` names the right one). Hand-over: 201, 200 repeated nonce, 409
a serial already handed or the household already served elsewhere (nothing handed), 404, 400.
Errors share the API's shape: ``{"detail", "errors": {field: message}, …}``.
"""

from __future__ import annotations

from partez.cheques.services import AlreadyHandedOver
from partez.core.errors import DomainError, NotAllowed

from . import selectors, services


def _error(exc: DomainError, **extra) -> dict:
    return {"detail": exc.message, "errors": dict(exc.errors), **extra}


def _stand(stand) -> dict | None:
    if stand is None:
        return None
    out = {"id": stand.pk, "name": stand.name}
    checkin_list = getattr(stand, "checkin_list", None)
    if checkin_list is not None:
        out["list"] = checkin_list.pk
    return out


def checkin(*, actor, code: str, nonce: str, list_id: int) -> tuple[int, dict]:
    try:
        result, created = services.checkin_record(actor=actor, code=code, nonce=nonce, list_id=list_id)
    except services.UnknownCode as exc:
        return 404, _error(exc)
    except services.AlreadyCheckedIn as exc:
        return 409, _error(exc, checkin={"id": exc.checkin.pk, "checked_in_at": exc.checkin.at.isoformat()})
    except services.NonceReused as exc:
        return 409, _error(exc)
    except services.WrongStand as exc:
        return 400, _error(exc, expected_stand=_stand(exc.stand))
    except NotAllowed as exc:
        return 403, _error(exc)
    except DomainError as exc:
        return 400, _error(exc)
    checkin_list = result.checkin_list
    body = selectors.checkin_body(result, checkin_list)
    return (201 if created else 200), body


def handover(
    *, actor, code: str, serials: list[str], signature_png_base64: str, nonce: str, list_id: int | None = None
) -> tuple[int, dict]:
    try:
        png = services.decode_signature(signature_png_base64)
        result, created = services.handover_record(
            actor=actor, code=code, serials=serials, signature_png=png, nonce=nonce, list_id=list_id
        )
    except services.UnknownCode as exc:
        return 404, _error(exc)
    except AlreadyHandedOver as exc:
        return 409, _error(exc, serials=exc.serials)
    except services.HandoverConflict as exc:
        return 409, _error(exc, handover={"receipt": exc.handover.receipt, "at": exc.handover.at.isoformat()})
    except services.NonceReused as exc:
        return 409, _error(exc)
    except services.WrongStand as exc:
        return 400, _error(exc, expected_stand=_stand(exc.stand))
    except NotAllowed as exc:
        return 403, _error(exc)
    except DomainError as exc:
        return 400, _error(exc)
    return (201 if created else 200), selectors.handover_body(result)
