"""Personal API tokens: ``Authorization: Bearer <token>`` → the token's active membership.

The membership (not the user) is the API's identity: its organisation is the tenancy scope and
its role the permission, exactly as the current organisation is in the web app. Session cookies
are not accepted, so the API needs no CSRF protection.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security.http import HttpBearer

from partez.organisations.models import Membership
from partez.organisations.services import api_token_authenticate

MISSING = "Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> »."
INVALID = "Jeton d'API invalide ou révoqué."


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> Membership:
        scheme, _, token = request.headers.get(self.header, "").strip().partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise AuthenticationError(message=MISSING)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Membership:
        membership = api_token_authenticate(token)
        if membership is None:
            raise AuthenticationError(message=INVALID)
        return membership


def membership_of(request: HttpRequest) -> Membership:
    """The membership :class:`BearerToken` resolved for this request (django-ninja keeps what the
    authentication returned as ``request.auth``, an attribute HttpRequest's type does not have)."""
    membership: Membership = request.auth  # type: ignore[attr-defined]
    return membership
