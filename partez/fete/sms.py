"""SMS through a pluggable backend (``settings.SMS_BACKEND``, a dotted path), like Django's e-mail
backends: ``ConsoleBackend`` (development default: prints, sends nothing), ``LocmemBackend``
(tests: keeps the messages in ``outbox``), ``BrevoBackend`` (Brevo's transactional SMS API,
``SMS_BREVO_API_KEY``) and ``DisabledBackend`` (an installation that sends no SMS: every send is a
failed delivery, said so). Another provider's backend implements :class:`SmsBackend` — one
method, ``send(to, text) -> SmsResult`` — and is named in the environment (``SMS_BACKEND=...``).

Production fails closed: ``config/settings/prod.py`` refuses to start without ``SMS_BACKEND``, or
with the console or memory backends. No backend logs a message's text.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

MAX_LENGTH = 320  # two SMS parts (GSM 7-bit, 160 characters each)
_FRENCH_MOBILE = re.compile(r"^(?:\+33|0033|0)([67]\d{8})$")


@dataclass(frozen=True)
class SmsResult:
    ok: bool
    provider_id: str = ""
    error: str = ""


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> SmsResult: ...


def normalise_mobile(raw: str) -> str | None:
    """A French mobile number in E.164 (``+33612345678``), or None when it is not one."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    match = _FRENCH_MOBILE.match(digits)
    return f"+33{match.group(1)}" if match else None


class ConsoleBackend:
    """Writes each SMS to standard output (development, demo)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> SmsResult:
        self.stream.write(f"SMS à {to} ({len(text)} caractères) : {text}\n")
        return SmsResult(ok=True, provider_id="console")


class LocmemBackend:
    """Keeps the messages in memory (tests): ``LocmemBackend.outbox`` is a list of (to, text)."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> SmsResult:
        LocmemBackend.outbox.append((to, text))
        return SmsResult(ok=True, provider_id=f"locmem-{len(LocmemBackend.outbox)}")


class DisabledBackend:
    """This installation sends no SMS (an explicit choice in production): each send fails, so the
    invitation's SMS status says « Échec » and the letter or e-mail carries the invitation."""

    def send(self, to: str, text: str) -> SmsResult:
        return SmsResult(ok=False, error="SMS désactivés sur cette installation")


class BrevoBackend:
    """Brevo's transactional SMS API (``POST /v3/transactionalSMS/send``). The sender name is
    ``SMS_SENDER`` (11 characters at most); the key ``SMS_BREVO_API_KEY``."""

    url = "https://api.brevo.com/v3/transactionalSMS/send"
    timeout = 10

    def __init__(self, api_key: str | None = None, sender: str | None = None):
        self.api_key = api_key or settings.SMS_BREVO_API_KEY
        self.sender = (sender or settings.SMS_SENDER)[:11]

    def send(self, to: str, text: str) -> SmsResult:
        body = {
            "sender": self.sender,
            "recipient": to.lstrip("+"),
            "content": text,
            "type": "transactional",
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "api-key": self.api_key,
                "content-type": "application/json",
                "accept": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            answer = json.loads(response.read() or b"{}")
        return SmsResult(ok=True, provider_id=str(answer.get("messageId", "")))


def get_backend() -> SmsBackend:
    return import_string(str(settings.SMS_BACKEND))()


def send_sms(to: str, text: str, backend: SmsBackend | None = None) -> SmsResult:
    """Send one SMS to a French mobile; a malformed number or a provider error is a failed
    result (never an exception), so a bulk send goes on and records the status."""
    number = normalise_mobile(to)
    if number is None:
        return SmsResult(ok=False, error="numéro de mobile invalide")
    try:
        return (backend or get_backend()).send(number, text[:MAX_LENGTH])
    except Exception as exc:  # a provider failure is a delivery status, not a crash
        return SmsResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:200])
