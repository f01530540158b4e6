"""Logins, failed logins and logouts in the audit log (account events: no organisation).

Connected after django-axes' own receivers (``axes`` comes first in INSTALLED_APPS), so a failed
login for an unknown identifier is recorded against the attempt row axes has just written."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from partez.core import audit

from . import services
from .throttling import client_ip  # the one reading of the client's address


def _address(request) -> str:
    return client_ip(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="partez_audit_login")
def _logged_in(sender, request, user, **kwargs):
    state = services.login_state(user)
    if request is not None and hasattr(request, "session"):
        request.session[services.SESSION_STATE] = state
    with transaction.atomic():
        services.account_event(user, "login", ip_address=_address(request), second_factor=state)


@receiver(user_login_failed, dispatch_uid="partez_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    address = _address(request)
    obj = get_user_model().objects.filter(username=username).first() if username else None
    if obj is None:
        obj = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
    if obj is None:
        return  # nothing to attach it to (no identifier typed): axes' own table keeps the attempt
    locked = bool(getattr(request, "axes_locked_out", False))
    with transaction.atomic():
        audit.record(
            actor=None,
            organisation=None,
            action="login.failed",
            obj=obj,
            changes={"username": username, "ip_address": address, "locked_out": locked},
        )


@receiver(user_logged_out, dispatch_uid="partez_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None or not user.pk:
        return
    with transaction.atomic():
        services.account_event(user, "logout")
