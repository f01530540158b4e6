"""The SMS backends: Brevo's API (request and answer, a provider error as a failed delivery),
the disabled backend, and no message text in the logs."""

import io
import json
import logging
import urllib.error

from partez.fete import sms


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_brevo_sends_the_documented_request(monkeypatch):
    sent = []

    def urlopen(request, timeout):
        sent.append((request, timeout))
        return FakeResponse(json.dumps({"reference": "ab", "messageId": 1511882900176220}).encode())

    monkeypatch.setattr(sms.urllib.request, "urlopen", urlopen)
    result = sms.send_sms(
        "06 12 34 56 78", "Votre invitation", sms.BrevoBackend(api_key="k", sender="PARTEZ-VACANCES")
    )
    assert result == sms.SmsResult(ok=True, provider_id="1511882900176220")
    request, timeout = sent[0]
    assert request.full_url == "https://api.brevo.com/v3/transactionalSMS/send" and request.method == "POST"
    assert request.get_header("Api-key") == "k" and timeout == 10
    assert json.loads(request.data) == {
        "sender": "PARTEZ-VACA",  # 11 characters at most
        "recipient": "33612345678",
        "content": "Votre invitation",
        "type": "transactional",
    }


def test_a_provider_error_is_a_failed_delivery_without_the_text(monkeypatch, caplog):
    def urlopen(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 401, "Unauthorized", {}, None)

    monkeypatch.setattr(sms.urllib.request, "urlopen", urlopen)
    with caplog.at_level(logging.DEBUG):
        result = sms.send_sms("0612345678", "Texte secret du foyer", sms.BrevoBackend(api_key="k"))
    assert not result.ok and "401" in result.error and "secret" not in result.error
    assert "secret" not in caplog.text


def test_the_disabled_backend_sends_nothing_and_says_so():
    result = sms.send_sms("0612345678", "x", sms.DisabledBackend())
    assert not result.ok and "désactivés" in result.error
