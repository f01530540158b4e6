"""A funder walks every page it can reach — the links of each page it opens, the exports and
reports they offer, and its API (envelopes, bilan, chèques) — and never reads a project or a
household reference, a staff member's name, or « < 5 » where a cell is masked (issue 13, item 7)."""

import collections
import io
import re

import pytest
from openpyxl import load_workbook

from partez.organisations.services import api_token_create
from partez.projects.models import Project
from partez.users.models import User
from tests.api.conftest import ApiClient
from tests.factories.bilan import bilan_members, small_edition

pytestmark = pytest.mark.django_db

NOT_FOLLOWED = ("/static/", "/deconnexion", "/admin/", "/compte/", "/jetons/")


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        wb = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(v)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    if "pdf" in kind:
        return ""  # the report's numbers are the bilan's, checked through its XLSX twin
    return response.content.decode()


def _walk(client, start: list[str], limit: int = 80) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = collections.deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code in (200, 302), url
        seen[url] = _text(response) if response.status_code == 200 else ""
        for href in re.findall(r'href="(/[^"#]*)"', seen[url]):
            href = href.replace("&amp;", "&")
            if not href.startswith(NOT_FOLLOWED) and href not in seen:
                queue.append(href)
    return seen


def _forbidden(data) -> list[str]:
    """What a funder must never read: every project and household reference of the edition and
    the names of the staff who wrote them (made unmistakable, so no page holds them by chance)."""
    out = []
    for i, user in enumerate(User.objects.exclude(memberships__role="funder").distinct()):
        user.first_name, user.last_name = f"Prenomagent{i}", f"Nomagent{i}x"
        user.save(update_fields=["first_name", "last_name"])
        out += [user.last_name]
    for p in Project.objects.select_related("household"):
        out += [p.reference, p.household.reference]
    return out


@pytest.mark.parametrize("who", ["caf", "call"])
def test_a_funder_reads_aggregates_only_on_every_page_it_can_reach(client, who):
    data = small_edition()
    members = bilan_members(data)
    forbidden = _forbidden(data)
    funder = members[who]
    client.force_login(funder.user)
    pages = _walk(client, ["/", "/financements/", "/bilan/", "/bilan/rapports/", "/cheques/"])
    envelope = data.envelopes[who]
    assert f"/financements/{envelope.pk}/" in pages  # the walk reached its own envelope's page
    assert any("xlsx" in url for url in pages)  # and the reports it may download
    api = ApiClient(api_token_create(membership=funder, name="tests")[1])
    for path, params in [
        ("/envelopes", {}),
        ("/bilan", {"edition": data.edition.year}),
        ("/cheques/reconciliation", {}),
    ]:
        response = api.get(path, params)
        assert response.status_code == 200, path
        pages[f"/api/v1{path}"] = response.content.decode()
    for url, body in pages.items():
        for word in forbidden:
            assert word not in body, (url, word)
        assert "< 5" not in body and "&lt; 5" not in body, url
    masked = [url for url, body in pages.items() if "masqué" in body]
    assert masked, "the small edition has masked cells: some page must show them as « masqué »"
