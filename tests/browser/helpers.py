"""What every browser test does on every page: log in, and :func:`check_page` — an axe-core audit
(no "serious" or "critical" violation), a phone-width check (no horizontal scrolling at 375 px) and
screenshots (desktop and phone) in ``var/screenshots/`` for a human to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

CHROMIUM = os.environ.get("PARTEZ_CHROMIUM", "/usr/bin/chromium")  # Debian's package
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
PASSWORD = "motdepasse-test"  # tests/factories.py UserFactory
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for a base32 key (django-otp's TOTP: 30 s, 6 digits)."""
    import base64

    from django_otp.oath import TOTP

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


def second_factor(page, username: str) -> None:
    """The second step of a login, as the person does it: on the enrolment page, the key shown is
    typed into the "app" (computed here) and its code entered; on the verification page, the code
    of the authenticator enrolled before (a step ahead if its current code was just used)."""
    if "/compte/second-facteur/" in page.url:
        code = totp_code(page.locator("#totp-secret").inner_text())
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Activer").click()
        page.get_by_role("button", name="J'ai noté mes codes, continuer").click()
    elif "/connexion/code/" in page.url:
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from partez.accounts.services import totp_secret

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        ahead = 1 if device.last_t >= TOTP(device.bin_key).t() else 0  # a code is accepted once
        page.get_by_label("Code").fill(totp_code(totp_secret(device), ahead))
        page.get_by_role("button", name="Valider").click()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in with the password, then the second factor when the account has or needs one."""
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/(compte/second-facteur/|connexion/code/)?(\?.*)?$"))
    second_factor(page, username)
    page.wait_for_url(re.compile(r"/$"))


def _axe_failures(page) -> str:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    lines = []
    for v in blocking:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width + 1) return null;
  // Name the widest elements that stick out, ignoring those inside a scrolling box (.table-wrap).
  const clipped = (el) => {
    // An absolutely positioned box is clipped by its containing block, not by its parent.
    const absolute = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let p = absolute ? el.offsetParent : el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !clipped(el)) {
      const cls = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().replace(/\\s+/g, ".") : "";
      culprits.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls} right=${Math.round(r.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, culprits: culprits.slice(-10)};
}"""


def check_page(page, name: str) -> None:
    """Audit the current page: axe-core and screenshot at desktop width, then the same at phone width
    with a horizontal-overflow check. Leaves the page at desktop width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        failures = _axe_failures(page)
        if failures:
            problems.append(f"axe-core, {label} ({page.url}):\n{failures}")
        if label == "phone":
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow:
                problems.append(f"horizontal overflow at {PHONE['width']} px ({page.url}): {overflow}")
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    assert not problems, f"page {name!r}:\n" + "\n".join(problems)


def go_to(page, group: str, link: str) -> None:
    """Open a page from the main navigation: its group's drop-down, then the link."""
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.locator("summary", has_text=group).click()
    nav.get_by_role("link", name=link, exact=True).click()
