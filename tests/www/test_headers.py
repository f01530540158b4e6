"""Security headers, and no inline script anywhere (the CSP allows scripts from our files only).

Every page of the resolver that takes no argument is rendered for the coordination (the role that
sees most), plus the object pages of a household and a project and the public pages; each HTML
answer must carry the headers and hold no inline ``<script>`` (JSON data blocks excepted: they
are not run), no ``on…=`` event-handler attribute and no ``javascript:`` link."""

from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from partez.organisations.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


class _InlineScripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…> at line {self.getpos()[0]}")


def _inline_problems(html: str) -> list[str]:
    parser = _InlineScripts()
    parser.feed(html)
    return parser.problems


def _argument_free_urls(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith(("admin/", "api/")):
                continue
            yield from _argument_free_urls(entry.url_patterns, prefix + str(entry.pattern))
        elif (
            isinstance(entry, URLPattern)
            and not entry.pattern.converters
            and "<" not in str(entry.pattern)
            and entry.name != "logout"
        ):
            yield "/" + prefix + str(entry.pattern)


def test_the_parser_catches_what_the_csp_would_block():
    assert _inline_problems("<script>alert(1)</script>")
    assert _inline_problems('<button onclick="x()">a</button>')
    assert _inline_problems('<a href="javascript:void(0)">a</a>')
    assert not _inline_problems(
        '<script src="/static/a.js"></script><script type="application/json">{}</script>'
    )


def _check(response, url):
    directives = [d.split() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    csp = {d[0]: d[1:] for d in directives}
    assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'self'"], url
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], url
    assert "camera=(self)" in response["Permissions-Policy"], url
    assert response["Referrer-Policy"] == "same-origin", url
    if response.get("Content-Type", "").startswith("text/html"):
        problems = _inline_problems(response.content.decode())
        assert not problems, f"{url}: {problems}"


def test_every_page_has_the_headers_and_no_inline_script(client, coordinator_org, household, edition):
    coordinator = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    project = factories.ProjectFactory(household=household, organisation=coordinator_org, edition=edition)
    for url in ("/connexion/", "/mot-de-passe-oublie/", "/simulateur/", "/operation/"):
        _check(client.get(url), url)
    client.force_login(coordinator.user)
    urls = [
        *_argument_free_urls(),
        reverse("household_detail", args=[household.pk]),
        reverse("project_detail", args=[project.pk]),
        reverse("second_factor_enrol"),
    ]
    checked = 0
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            _check(response, url)
            checked += 1
    assert checked >= 25, f"only {checked} pages rendered"


def test_no_template_holds_an_inline_script():
    """The templates a coordinator's GET may not reach above (a Fête and a hand-over are needed):
    read as text, with the template tags left in."""
    from django.conf import settings

    templates = settings.BASE_DIR / "partez" / "www" / "templates"
    for path in templates.rglob("*.html"):
        problems = _inline_problems(path.read_text())
        assert not problems, f"{path.relative_to(templates)}: {problems}"
