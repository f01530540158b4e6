"""Browser tests: Playwright drives Debian's Chromium against pytest-django's ``live_server``.

``playwright install`` cannot download browsers here, so the suite launches ``/usr/bin/chromium``.
Without it the tests are skipped, unless ``PARTEZ_REQUIRE_BROWSER=1`` (CI) turns that into a failure.
"""

from __future__ import annotations

import os

import pytest

from .helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP


def _unavailable(reason: str):
    if os.environ.get("PARTEZ_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PARTEZ_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency
        _unavailable("the playwright Python package is not installed")

    # Playwright's sync API keeps an asyncio loop "running" in this thread, which makes Django's
    # async-safety guard refuse every ORM call from the test (fixtures, assertions). The guard
    # protects async code; there is none here. Set only while the browser is alive.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context (no cookies) per test; JavaScript errors fail the test, except the
    messages a test expects (``page.expected_console_errors``, e.g. a 429 lockout page it opens)."""
    context = chromium.new_context(
        viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.expected_console_errors = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    yield page
    context.close()
    errors = [e for e in errors if not any(expected in e for expected in page.expected_console_errors)]
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)
