"""Limits on the pages and endpoints anyone can reach without an account (the ``PUBLIC_LIMITS``
setting, by URL name): the largest request body accepted (413 beyond) and the requests per
client address (429 beyond, with ``Retry-After``), counted by :mod:`partez.core.ratelimit`.

One middleware for the web pages and the API alike, so a view cannot forget it and the limits
live in one setting. It runs before CSRF (which reads the body of a POST), so an oversized body
is refused before it is parsed. The answer is a French page, or for the API its one JSON error
shape, naming the limit.

The client address is ``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` says how many reverse
proxies of ours stand in front (each appends the address it saw to ``X-Forwarded-For``): the
client is then the entry that many places from the right — anything further left was written by
the client and is never trusted (:func:`partez.accounts.throttling.client_ip`, which the login
throttling reads too). IPv6 addresses count per /64 (one host's usual allocation).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from partez.accounts.throttling import client_ip
from partez.core.ratelimit import Rate, hit


@dataclass(frozen=True)
class Limit:
    rate: Rate
    max_body: int

    @classmethod
    def of(cls, name: str) -> Limit | None:
        rule = getattr(settings, "PUBLIC_LIMITS", {}).get(name)
        if rule is None:
            return None
        return cls(Rate.parse(rule["rate"]), int(rule["max_body"]))


def client_address(request: HttpRequest) -> str:
    """The address a limit counts: :func:`partez.accounts.throttling.client_ip` (the one reading of
    the client's address, ``TRUSTED_PROXY_COUNT``), an IPv6 one as its /64."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _kib(size: int) -> str:
    return f"{size // 1024} Kio" if size >= 1024 else f"{size} octets"


def _refusal(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    return render(request, "www/refused.html", {"title": title, "message": message}, status=status)


def too_large(request: HttpRequest, limit: Limit) -> HttpResponse:
    message = f"Requête trop volumineuse : {_kib(limit.max_body)} au plus pour cette page."
    return _refusal(request, 413, "Requête trop volumineuse", message)


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    return f"{-(-seconds // 60)} minutes"


def too_many(request: HttpRequest, limit: Limit, wait: int) -> HttpResponse:
    message = (
        f"Trop de requêtes depuis votre adresse : {limit.rate} au plus sur cette page. "
        f"Réessayez dans {_duration(wait)}."
    )
    response = _refusal(request, 429, "Trop de requêtes", message)
    response["Retry-After"] = str(wait)
    return response


class PublicLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        limit = Limit.of(match.view_name) if match else None
        if limit is None:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit.max_body:
            return too_large(request, limit)
        wait = hit(match.view_name, client_address(request), limit.rate)
        if wait:
            return too_many(request, limit, wait)
        return None
