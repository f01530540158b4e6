"""Writes on account security: the second factor (TOTP + recovery codes), its policy per role,
and the unlock of throttled logins. Each validates, checks the role, writes in one transaction
and records it in the audit log.

The second factor's state of a session lives in the session (``SESSION_STATE``), set at login
by :func:`login_state` and moved to ``"ok"`` by :func:`second_factor_verify` or
:func:`totp_confirm`; ``partez.www.security`` confines a session in another state to the
verification or enrolment pages.
"""

from __future__ import annotations

import base64
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.organisations import perms
from partez.organisations.models import Membership, Role
from partez.users.models import User

from .models import SecondFactorPolicy

SESSION_STATE = "partez_second_factor"
OK, VERIFY, ENROL = "ok", "verify", "enrol"
DEFAULT_REQUIRED = {Role.COORDINATOR, Role.COMMUNE_REFERENT}


def account_event(user: User, action: str, **changes: Any) -> AuditLog:
    """An event of one's own account in the audit log (no organisation: an account spans them)."""
    return audit.record(actor=user, organisation=None, action=action, obj=user, changes=changes)


# --- reads ------------------------------------------------------------------------------------


def policy() -> dict[str, bool]:
    """Role → second factor required, for every role (a role without a row: the default)."""
    stored = dict(SecondFactorPolicy.objects.values_list("role", "required"))
    return {role: stored.get(role, role in DEFAULT_REQUIRED) for role in Role.values}


def second_factor_required(user: User) -> bool:
    """Staff and superusers always; others when one of their active roles requires it (in any
    organisation: switching organisation cannot escape it)."""
    if user.is_staff or user.is_superuser:
        return True
    rules = policy()
    roles = Membership.objects.active().filter(user=user).values_list("role", flat=True)
    return any(rules.get(role, False) for role in roles)


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def login_state(user: User) -> str:
    """What a freshly logged-in session must do next: verify its device, enrol one, or nothing."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if second_factor_required(user) else OK


def totp_secret(device: TOTPDevice) -> str:
    """The key as the base32 text a person types into an authenticator app."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_now(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The device's current code (tests and the browser test compute codes this way)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def locked_out() -> list[dict[str, Any]]:
    """The lockouts in force: accounts (whatever the address) with AXES_FAILURE_LIMIT failures or
    more within the cool-off, addresses (whatever the accounts) with LOGIN_ADDRESS_FAILURE_LIMIT,
    newest first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    limits = {"username": settings.AXES_FAILURE_LIMIT, "ip_address": settings.LOGIN_ADDRESS_FAILURE_LIMIT}
    rows = []
    for kind, limit in limits.items():
        groups = (
            AccessAttempt.objects.filter(attempt_time__gte=since, **{f"{kind}__isnull": False})
            .exclude(**({"username": ""} if kind == "username" else {}))
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        rows += [
            {
                "kind": kind,
                "value": g[kind],
                "failures": g["failures"],
                "until": g["last"] + settings.AXES_COOLOFF_TIME,
            }
            for g in groups
        ]
    return sorted(rows, key=lambda r: r["until"], reverse=True)


# --- second factor: the user's own ------------------------------------------------------------


def pending_totp(user: User, device_id: int | None) -> TOTPDevice | None:
    """The user's authenticator being added (not confirmed yet), if it is still there."""
    if not device_id:
        return None
    return TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()


def totp_start(*, user: User) -> TOTPDevice:
    """A new (unconfirmed) authenticator for the user, replacing a previous unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODES_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def totp_confirm(*, user: User, device_id: int, token: str) -> list[str]:
    """Confirm the authenticator with a code it shows; returns the recovery codes (shown once)."""
    token = (token or "").replace(" ", "").strip()
    if not token.isdigit():
        raise DomainError("Saisissez les 6 chiffres affichés par l'application.", field="token")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id, confirmed=False).first()
        )
        if device is None:
            raise DomainError("Cette activation a expiré : recommencez.", field="token")
        if not device.verify_token(token):
            raise DomainError(
                "Ce code ne correspond pas. Vérifiez l'heure du téléphone et saisissez le code affiché.",
                field="token",
            )
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        account_event(user, "second_factor.enrol", device="totp", recovery_codes=len(codes))
    return codes


def second_factor_verify(*, user: User, token: str) -> str:
    """Check a code from the authenticator, or a recovery code (used once). Returns the kind of
    device that matched; a wrong code raises and is recorded. django-otp slows repeated failures
    down (growing delays per device)."""
    token = (token or "").replace(" ", "").replace("-", "").strip().lower()
    if not token:
        raise DomainError("Saisissez le code.", field="token")
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        kind = ""
        if totp is not None and token.isdigit() and totp.verify_token(token):
            kind = "totp"
        else:
            static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if static is not None and static.verify_token(token):  # deletes the token: used once
                kind = "recovery_code"
        if not kind:
            account_event(user, "login.second_factor_failed")
    if not kind:
        raise DomainError("Code incorrect ou déjà utilisé.", field="token")
    with transaction.atomic():
        left = {} if kind == "totp" else {"recovery_codes_left": recovery_codes_left(user)}
        account_event(user, "login.second_factor", device=kind, **left)
    return kind


def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); shown once."""
    if confirmed_totp(user) is None:
        raise DomainError("Activez d'abord une application d'authentification.")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        account_event(user, "second_factor.recovery_codes")
    return codes


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def second_factor_remove(*, user: User) -> None:
    """The user removes their own second factor. Refused when their role requires one (they
    replace it by enrolling a new authenticator instead)."""
    if second_factor_required(user):
        raise DomainError("Votre rôle exige un second facteur : vous pouvez le remplacer, pas le supprimer.")
    with transaction.atomic():
        _remove_devices(user)
        account_event(user, "second_factor.remove")


def second_factor_reset(*, actor: Membership, username: str) -> None:
    """The coordination resets the second factor of someone who lost their phone and their
    recovery codes: at their next login they enrol a new one (if their role requires it)."""
    if not perms.can_manage_account_security(actor):
        raise NotAllowed("Seule la coordination peut réinitialiser un second facteur.")
    user = _user_named(username)
    if user.pk == actor.user_id:
        raise DomainError(
            "Vous ne pouvez pas réinitialiser votre propre second facteur : demandez-le à une autre "
            "personne de la coordination.",
            field="username",
        )
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user).exists():
            raise DomainError("Cette personne n'a pas de second facteur.", field="username")
        _remove_devices(user)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="second_factor.reset",
            obj=user,
            changes={"username": user.username},
        )


def _user_named(username: str) -> User:
    username = (username or "").strip()
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        raise DomainError("Aucun compte ne porte cet identifiant.", field="username")
    return user


# --- passwords ---------------------------------------------------------------------------------


def password_errors(password: str, user: User | None = None) -> list[str]:
    """The validators' French messages (AUTH_PASSWORD_VALIDATORS), empty when it is accepted."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def password_set(*, user: User, password: str, reason: str) -> User:
    """Set a password (change while logged in, reset by e-mail) after the validators; a reset
    also lifts a login lockout on the account."""
    errors = password_errors(password, user)
    if errors:
        raise DomainError(" ".join(errors), field="new_password1")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        account_event(user, f"password.{reason}")
        if reason == "reset":
            AxesProxyHandler.reset_attempts(username=user.get_username())
    return user


# --- the coordination: policy and unlock ------------------------------------------------------


def policy_update(*, actor: Membership, required: dict[str, bool]) -> dict[str, bool]:
    """Set, role by role, whether a second factor is required. Takes effect at each person's
    next login."""
    if not perms.can_manage_account_security(actor):
        raise NotAllowed("Seule la coordination peut changer les règles du second facteur.")
    unknown = set(required) - set(Role.values)
    if unknown:
        raise DomainError(f"Rôle inconnu : {', '.join(sorted(unknown))}.", field="roles")
    if not required.get(Role.COORDINATOR, True):
        raise DomainError("Le second facteur reste obligatoire pour la coordination.", field="coordinator")
    with transaction.atomic():
        before = policy()
        for role, value in required.items():
            SecondFactorPolicy.objects.update_or_create(
                role=role, defaults={"required": bool(value), "updated_by": actor.user}
            )
        after = policy()
        changes = audit.diff(before, after)
        if changes:
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="second_factor.policy",
                obj=SecondFactorPolicy.objects.get(role=next(iter(changes))),
                changes=changes,
            )
    return after


def account_unlock(*, actor: Membership, username: str = "", ip_address: str = "") -> int:
    """Lift a login lockout — an account or an address — before its cool-off ends. Returns the
    number of attempt records removed."""
    if not perms.can_manage_account_security(actor):
        raise NotAllowed("Seule la coordination peut débloquer une connexion.")
    username, ip_address = (username or "").strip(), (ip_address or "").strip()
    if bool(username) == bool(ip_address):
        raise DomainError("Indiquez un identifiant ou une adresse à débloquer.", field="username")
    where = {"username": username} if username else {"ip_address": ip_address}
    with transaction.atomic():
        attempt = AccessAttempt.objects.filter(**where).order_by("-attempt_time").first()
        if attempt is None:
            raise DomainError("Ce blocage n'existe plus (déjà levé ou expiré).", field="username")
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="login.unlock",
            obj=attempt,
            changes=where,
        )
        removed = AxesProxyHandler.reset_attempts(**where)
    return int(removed)
