"""The bilan's pages by role, the exports and the funder reports; and the same numbers on the
dashboard, in the CSV export, in the JSON of ``manage.py bilan`` and in the funder PDF."""

import base64
import csv
import io
import json
import re
import zlib
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from partez.households.models import Person
from partez.jobs.models import Job, JobStatus
from partez.reports import exports, funder_report, selectors
from partez.reports.selectors import Filters
from partez.reports.stats import SUPPRESSED
from partez.schemes.models import Scheme
from tests import factories
from tests.core.test_spreadsheet import EVIL, assert_neutralised
from tests.factories.bilan import more_households

pytestmark = pytest.mark.django_db


def get(client, member, name, *args, **params):
    client.force_login(member.user)
    return client.get(reverse(name, args=args), params)


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("referent_b", 200), ("caf", 200), ("host", 403), ("volunteer", 403)],
)
def test_dashboard_permissions(client, data, members, who, status):
    assert get(client, members[who], "bilan").status_code == status


def test_dashboard_needs_a_login(client, data):
    response = client.get(reverse("bilan"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_a_commune_sees_its_own_commune_whatever_it_asks(client, data, members):
    response = get(client, members["referent_b"], "bilan", commune="62901")
    b = response.context["bilan"]
    assert b.filters.commune == data.communes["B"]
    assert b.key["persons_registered"] == 3


def test_a_funder_sees_aggregates_of_its_own_envelopes_never_a_name(client, data, members):
    response = get(client, members["caf"], "bilan", funder="call")
    b = response.context["bilan"]
    assert b.filters.funder == data.funders["caf"] and b.suppressed
    html = response.content.decode()
    assert "masqué" in html and "&lt; 5" not in html  # a masked cell reads as masked, never « < 5 »
    assert "moins de 5 personnes" in html  # the explanation beside it
    for p in data.households["h1"].persons.all():
        assert p.last_name not in html
    assert "Export CSV" not in html


def _commune_cell(b, insee, measure):
    return next(r.values[measure] for r in b.tables["by_commune"].rows if r.key == insee)


def test_a_funder_cannot_recover_a_masked_cell_by_differencing_two_filtered_views(client, data, members):
    more_households(data, 3)  # nine more people left from commune A, on CALL's envelope
    call = data.funders["call"]
    whole = selectors.published(selectors.bilan(Filters(data.edition, funder=call)))
    assert _commune_cell(whole, "62902", "left") == SUPPRESSED  # nobody left from B: masked
    # The attack, had the commune filter been honoured: the whole view's total minus commune A's
    # view gives commune B's masked cell back.
    only_a = selectors.published(
        selectors.bilan(Filters(data.edition, funder=call, commune=data.communes["A"]))
    )
    raw = selectors.bilan(Filters(data.edition, funder=call))
    assert whole.key["persons_left"] - only_a.key["persons_left"] == _commune_cell(raw, "62902", "left")
    # The page neither offers nor honours those filters to a funder: every filtered request
    # answers the very same figures, so there is nothing to subtract.
    for params in [
        {"commune": "62901"},
        {"commune": "62902"},
        {"scheme": "sejour-individuel"},
        {"commune": "62901", "scheme": "sejour-individuel"},
        {"funder": "caf-pas-de-calais"},
    ]:
        response = get(client, members["call"], "bilan", **params)
        shown = response.context["bilan"]
        assert response.context["filters"] == Filters(data.edition, funder=call), params
        assert shown.as_dict() == whole.as_dict(), params
    html = response.content.decode()
    assert 'name="commune"' not in html and 'name="scheme"' not in html and 'name="funder"' not in html
    assert "la différence entre deux vues filtrées pourrait révéler une case masquée" in html
    # the coordination keeps every filter
    response = get(client, members["coordinator"], "bilan", commune="62901", scheme="sejour-individuel")
    assert response.context["filters"].commune == data.communes["A"]
    assert 'name="scheme"' in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_rows(client, data, members, django_assert_max_num_queries):
    factories.EditionFactory(year=2024)
    client.force_login(members["coordinator"].user)
    url = reverse("bilan") + "?compare=2024&frais=1"  # skip the one-minute cache
    client.get(url)  # warm the session and the current edition's cache
    with django_assert_max_num_queries(60) as first:
        assert client.get(url).status_code == 200
    more_households(data, 20)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def test_dashboard_compares_two_editions(client, data, members):
    factories.EditionFactory(year=2024)
    response = get(client, members["coordinator"], "bilan", edition="2025", compare="2024")
    rows = {r["key"]: r for r in response.context["comparison"]}
    assert rows["persons_left"]["current"] == "6" and rows["persons_left"]["previous"] == "0"


def test_unknown_filters_are_404(client, data, members):
    assert get(client, members["coordinator"], "bilan", commune="00000").status_code == 404
    assert get(client, members["coordinator"], "bilan", edition="1999").status_code == 404


# --- exports ----------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_csv_export_is_streamed_one_line_per_person_and_project(client, data, members):
    response = get(client, members["coordinator"], "bilan_export_csv")
    assert response.streaming
    lines = read_csv(response)
    assert len(lines) == 10
    assert {r["Référence du projet"] for r in lines} == {p.reference for p in data.projects.values()}
    left = [r for r in lines if r["Parti·e"] == "oui"]
    assert len(left) == 6 and sum(r["Premier départ"] == "oui" for r in left) == 5


def test_csv_export_is_refused_to_funders_and_scoped_for_communes(client, data, members):
    from partez.households.models import Consent

    assert get(client, members["caf"], "bilan_export_csv").status_code == 403
    # The export names people: a commune gets its residents' files that it opened or that the
    # household agreed to share. Commune B's residents were opened by another CCAS, not shared.
    assert read_csv(get(client, members["referent_b"], "bilan_export_csv")) == []
    Consent.objects.filter(household__commune=data.communes["B"]).update(scopes=["casework", "sharing"])
    lines = read_csv(get(client, members["referent_b"], "bilan_export_csv"))
    assert lines and {r["Commune"] for r in lines} == {"Commune B"}


def test_export_reads_in_chunks(data, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(exports, "CHUNK", 3)
    with django_assert_max_num_queries(2 * 4 + 1):  # 10 lines: 4 chunks of 2 queries, then an empty one
        assert len(list(exports.rows(Filters(data.edition)))) == 10


def test_xlsx_export_job(client, data, members):
    client.force_login(members["coordinator"].user)
    response = client.post(reverse("bilan_export_xlsx") + "?commune=62901")
    job = Job.objects.get(kind="bilan_export")
    assert response.status_code == 302 and job.status == JobStatus.DONE, job.error
    sheet = load_workbook(job.result_file.open("rb")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(exports.HEADERS) and len(rows) == 1 + 7


# --- funder reports ---------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    """The text drawn on the pages of a ReportLab PDF (its content streams, inflated)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):  # ASCII85, then Flate (ReportLab's default)
            data = base64.a85decode(data[:-2], adobe=False)
        try:
            chunks.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            continue
    strings = re.findall(r"\((.*?)\) Tj", " ".join(chunks))
    text = " ".join(strings)
    text = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)
    text = re.sub(r"\\([()\\])", r"\1", text)
    return text.encode("latin-1").decode("cp1252")


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        ("coordinator", "caf-pas-de-calais", 200),
        ("caf", "caf-pas-de-calais", 200),
        ("caf", "call", 404),  # another funder's report does not exist for it
        ("referent_b", "caf-pas-de-calais", 403),
    ],
)
def test_funder_report_permissions(client, data, members, who, slug, status):
    assert get(client, members[who], "funder_report_pdf", slug).status_code == status
    assert get(client, members[who], "funder_report_xlsx", slug).status_code == status


def test_report_list(client, data, members):
    html = get(client, members["coordinator"], "funder_reports").content.decode()
    assert "CAF du Pas-de-Calais" in html and "Rapport aux financeurs — modèle commun" in html
    html = get(client, members["caf"], "funder_reports").content.decode()
    assert "Communauté d&#x27;agglomération" not in html


def test_report_definitions_are_versioned_per_funding_period(data):
    from partez.reports.models import ReportDefinition

    caf = data.funders["caf"]
    ReportDefinition.objects.create(
        funder=caf, name="CAF 2021-2024", valid_from="2021-01-01", valid_to="2024-12-31", sections=["budget"]
    )
    ReportDefinition.objects.create(
        funder=caf, name="CAF 2025-2027", valid_from="2025-01-01", sections=["key_figures", "by_qf"]
    )
    assert funder_report.definition_for(caf, data.edition).name == "CAF 2025-2027"
    previous = factories.EditionFactory(year=2024)
    assert funder_report.definition_for(caf, previous).name == "CAF 2021-2024"
    assert funder_report.definition_for(data.funders["call"], data.edition).funder is None
    text = pdf_text(funder_report.build_pdf(caf, data.edition))
    assert "Par quotient familial" in text and "Ce que vos enveloppes" not in text


def test_the_same_numbers_on_the_dashboard_in_the_csv_the_json_and_the_pdf(client, data, members):
    """One edition, four outputs: the dashboard, the export, ``manage.py bilan --json`` and the
    funder's PDF report agree."""
    more_households(data, 3)  # enough people for the CALL's figures to be published
    dashboard = get(client, members["coordinator"], "bilan").context["bilan"]
    lines = read_csv(get(client, members["coordinator"], "bilan_export_csv"))
    out = io.StringIO()
    call_command("bilan", "--edition", "2025", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["key_figures"] == dashboard.key
    assert figures["tables"]["by_age"] == dashboard.tables["by_age"].as_dict()
    assert (
        len({(r["Référence du foyer"], r["Prénom"], r["Nom"], r["Date de naissance"]) for r in lines})
        == (dashboard.key["persons_registered"])
    )
    left = [r for r in lines if r["Parti·e"] == "oui"]
    assert len(left) == dashboard.tables["by_region"].total["stays"]
    assert sum(int(r["Nuits"]) for r in left) == dashboard.key["person_nights"]
    assert sum(r["Premier départ"] == "oui" for r in left) == dashboard.key["first_departures"]
    # the CALL's report: the same figures as the dashboard filtered on the CALL, published
    call = selectors.published(selectors.bilan(Filters(data.edition, funder=data.funders["call"])))
    text = pdf_text(funder_report.build_pdf(data.funders["call"], data.edition))
    assert call.key["persons_left"] == 6 + 9
    for k in ("persons_accepted", "persons_left", "persons_returned", "first_departures"):
        assert f"{selectors.KEY_LABELS[k]} {call.key[k]} " in text  # the key-figures table's row
    assert "Nuitées (personnes × nuits)" in text
    out = io.StringIO()
    call_command("bilan", "--edition", "2025", "--json", "--funder", "call", stdout=out)
    assert json.loads(out.getvalue())["key_figures"] == call.key


def test_cli_writes_pdf_and_refuses_bad_arguments(data, tmp_path):
    from django.core.management.base import CommandError

    target = tmp_path / "r.pdf"
    call_command("bilan", "--edition", "2025", "--pdf", str(target), "--funder", "caf-pas-de-calais")
    assert target.read_bytes().startswith(b"%PDF-")
    with pytest.raises(CommandError, match="Aucune édition 1999"):
        call_command("bilan", "--edition", "1999", "--json")
    with pytest.raises(CommandError, match="Introuvable"):
        call_command("bilan", "--edition", "2025", "--json", "--funder", "nobody")


def test_every_bilan_export_neutralises_formulas(client, data, members):
    Person.objects.update(last_name=EVIL)
    Scheme.objects.filter(slug="sejour-individuel").update(name=EVIL)
    lines = read_csv(get(client, members["coordinator"], "bilan_export_csv"))
    assert_neutralised([v for line in lines for v in line.values()], EVIL)
    client.post(reverse("bilan_export_xlsx"))
    job = Job.objects.get(kind="bilan_export")
    rows = load_workbook(job.result_file.open("rb")).active.iter_rows(values_only=True)
    assert_neutralised([v for row in rows for v in row], EVIL)
    wb = load_workbook(io.BytesIO(funder_report.build_xlsx(data.funders["call"], data.edition)))
    assert_neutralised([v for ws in wb for row in ws.iter_rows(values_only=True) for v in row], EVIL)


def test_the_funder_pdf_fits_its_tables_charts_every_row_and_shows_the_target(data):
    """Issue 13, item 9: no header broken inside a word (each figure column is as wide as its
    longest header word), every row in a chart (not the first 14), département names, and the
    operation's progress towards its target."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from partez.core import pdf
    from partez.reports.stats import Row, Table

    b = funder_report.report_bilan(None, data.edition)
    rows = funder_report._table_rows(b.tables["by_commune"])
    widths = pdf.fitted_widths(rows, 178 * pdf.mm)
    assert abs(sum(widths) - 178 * pdf.mm) < 0.01
    for j, header in enumerate(rows[0][1:], start=1):
        longest = max(stringWidth(w, "Helvetica-Bold", 8.5) for w in header.split())
        assert widths[j] >= longest + pdf.CELL_PADDING - 0.01, header
    many = Table("t", "t", {"n": "N"}, [Row(str(i), f"Commune {i}", {"n": i}) for i in range(28)], {"n": 378})
    chart = funder_report._chart(many, "n", 178 * pdf.mm)
    names = next(x for x in chart.contents if hasattr(x, "categoryAxis")).categoryAxis.categoryNames
    assert len(names) == 28
    data.edition.departures_target = 10_000
    data.edition.save(update_fields=["departures_target"])
    text = pdf_text(funder_report.build_pdf(None, data.edition))
    assert "sur l'objectif de 10" in text and "Département 62" not in text
    assert "Toute l'opération" in pdf_text(funder_report.build_pdf(data.funders["caf"], data.edition))


def test_the_bilan_shows_the_target_and_why_its_count_differs_from_the_dashboard(client, data, members):
    data.edition.departures_target = 10_000
    data.edition.save(update_fields=["departures_target"])
    html = get(client, members["coordinator"], "bilan", edition=data.edition.year).content.decode()
    assert "Vers l&#x27;objectif de l&#x27;édition" in html or "Vers l'objectif de l'édition" in html
    assert "sur l&#x27;objectif de 10" in html or "sur l'objectif de 10" in html
    assert "Le tableau de bord compte aussi les foyers suivis sans projet cette année" in html
    # a commune's view is not the operation's progress
    html = get(client, members["referent_b"], "bilan", edition=data.edition.year).content.decode()
    assert 'id="h-target"' not in html
    # the dashboard says which households the bilan counts
    with mock.patch("partez.www.views.dashboard.current_edition", return_value=data.edition):
        html = get(client, members["coordinator"], "dashboard").content.decode()
    assert "foyers suivis, toutes éditions" in html
    assert (
        f"inscrits à l'édition {data.edition.year} (un projet cette année) : c'est ce que compte le bilan"
        in html
    )
