"""The « trop de requêtes » page in a real browser: it says which limit and how long to wait,
and passes the same audit as every page (axe-core, a phone's width)."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from partez.core import ratelimit

from .helpers import check_page

pytestmark = pytest.mark.browser


@override_settings(PUBLIC_LIMITS={"simulator": {"rate": "1/h", "max_body": 64 * 1024}})
def test_the_too_many_requests_page(page, db, monkeypatch):
    # the live server runs in this process: a clock 20 minutes into the hour's window, so the
    # wait is said in minutes whatever the time of day the test runs
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_700_000_000 // 3600 * 3600 + 20 * 60.0)
    page.expected_console_errors = ["status of 429"]  # the refusal itself
    first = page.goto("/simulateur/")
    assert first.status == 200
    second = page.goto("/simulateur/")
    assert second.status == 429 and int(second.headers["retry-after"]) >= 1
    expect(page.get_by_role("heading", name="Trop de requêtes")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("1 requête par heure au plus sur cette page")
    expect(page.get_by_role("alert")).to_contain_text(" minutes.")  # not thousands of seconds
    check_page(page, "trop-de-requetes")
