"""Login throttling: django-axes' database handler with one limit per account and another per
address.

Axes compares one number with one limit. An account is locked after ``AXES_FAILURE_LIMIT``
failures (from any address); an address after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures (on any
accounts), a higher limit because a whole CCAS office often shares one address and one person's
typos must not lock the colleagues out. The address count is scaled to the account limit.

A successful login clears the failures of that account only — axes' own reset would also clear
every failure from the address, so anyone with a valid account could wipe the count of an attack
on other accounts from the same address.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the entry of
    X-Forwarded-For they appended (the left part can be forged by the client)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def address_failures_as_account_failures(address_failures: int) -> int:
    return address_failures * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        # one queryset per AXES_LOCKOUT_PARAMETERS entry: ["username", "ip_address"]
        account, address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(account, address_failures_as_account_failures(address))

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = (credentials or {}).get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")) or ""
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
