"""Formula injection: every text cell a spreadsheet could read as a formula is neutralised, and
every CSV/XLSX writer of the package goes through ``core.spreadsheet`` (the exports themselves
are tested with a malicious name beside their own tests: jobs, reports, funding, chèques,
camping)."""

import io
import pathlib
import re

import pytest
from openpyxl import load_workbook

from partez.core import spreadsheet

EVIL = '=HYPERLINK("http://evil.example";"clic")'
MALICIOUS = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", MALICIOUS)
def test_a_formula_trigger_gets_an_apostrophe(value):
    assert spreadsheet.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Martin", "", "-12,50", "+33", "-5", "12.5", 12, -3, None, "a=b", "'=x"])
def test_other_values_are_kept(value):
    assert spreadsheet.neutralise(value) == value


def test_csv_writer_and_workbook_neutralise_every_cell():
    out = io.StringIO()
    spreadsheet.csv_writer(out, delimiter=";").writerow(["=1+1", "Martin", 3])
    assert out.getvalue() == "'=1+1;Martin;3\r\n"
    wb = spreadsheet.Workbook()
    wb.create_sheet("Feuille").append(["=1+1", "@A1", 4])
    body = io.BytesIO()
    wb.save(body)
    cells = [c for row in load_workbook(body).active.iter_rows() for c in row]
    assert [c.value for c in cells] == ["'=1+1", "'@A1", 4]
    assert [c.data_type for c in cells] == ["s", "s", "n"]  # text, never a formula ("f")


def test_no_writer_bypasses_the_door():
    """openpyxl's Workbook and csv.writer are used by core/spreadsheet.py only."""
    package = pathlib.Path(spreadsheet.__file__).parents[1]
    offenders = []
    pattern = re.compile(
        r"from openpyxl import .*Workbook|openpyxl\.Workbook\(|csv\.writer\(|csv\.DictWriter\("
    )
    for path in package.rglob("*.py"):
        if path.name == "spreadsheet.py" and path.parent.name == "core":
            continue
        if pattern.search(path.read_text()):
            offenders.append(str(path.relative_to(package)))
    assert offenders == []


def assert_neutralised(values, malicious):
    """``malicious`` appears only with its apostrophe among ``values`` (a sheet's or a CSV's)."""
    texts = [v for v in values if isinstance(v, str)]
    assert "'" + malicious in texts, texts
    assert malicious not in texts
