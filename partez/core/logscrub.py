"""Keep personal data and secrets out of the logs: search terms (names, birth dates) travel in
query strings, and the survey tokens, RSVP codes and invitation tokens are the path of a link
sent to someone — a URL that reaches an access log or an error log carries them.

Decision: the links stay as they are (a token in the URL *is* the e-mailed link, and GET search
keeps the back button and shareable filters working); what is written to the logs is scrubbed:

- every query-string value is replaced by ``…`` (the keys stay: ``/foyers/?q=…&page=…``);
- a path's secret parts — the URL keyword arguments named in :data:`SECRET_KWARGS`, found by
  resolving the path against the URLconf, so a new ``<token>`` route is covered by its name —
  become ``…`` (``/enquete/…/``).

Used by gunicorn's access log (``config/gunicorn.py``) and by :class:`ScrubFilter`, the filter
of Django's log handlers (``django.request``'s « Not Found: /enquete/… », runserver's lines).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from django.urls import Resolver404, resolve

REDACTED = "…"
SECRET_KWARGS = frozenset({"token", "code", "uidb64", "receipt"})
# A path or URL inside a log message ("Not Found: /enquete/abc/", '"GET /foyers/?q=x HTTP/1.1"').
_URL_IN_TEXT = re.compile(r"(?:https?://[^\s\"'<>]+|/[^\s\"'<>]*)")


def scrub_path(path: str) -> str:
    try:
        match = resolve(unquote(path))
    except Resolver404:
        return path  # no route, so no secret argument: what was typed is logged
    except Exception:
        return "/" + REDACTED
    for key in SECRET_KWARGS & match.kwargs.keys():
        value = str(match.kwargs[key])
        if value:
            path = path.replace(quote(value, safe=""), REDACTED).replace(value, REDACTED)
    return path


def scrub_query(query: str) -> str:
    if not query:
        return query
    keys = [part.split("=", 1)[0] for part in query.split("&") if part]
    return "&".join(f"{k}={REDACTED}" for k in keys)


def scrub_url(url: str) -> str:
    """A path, a path with its query, or a whole URL (a Referer), scrubbed."""
    if not url or url == "-":
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, scrub_path(parts.path), scrub_query(parts.query), ""))


def scrub_text(text: str) -> str:
    """Every path or URL found in a log message, scrubbed."""
    return _URL_IN_TEXT.sub(lambda m: scrub_url(m.group(0)), text)


class ScrubFilter(logging.Filter):
    """A log handler's filter: the record's message, formatted, then scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: never its unscrubbed text
            message = "(message illisible)"
        record.msg = scrub_text(message)
        record.args = ()
        return True
