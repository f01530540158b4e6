"""The one door to CSV and XLSX files: every text cell a spreadsheet could read as a formula is
neutralised (CSV/formula injection, OWASP): a text starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe, which spreadsheets show as text and never run.
Plain numbers written as text (``-12,50``) are left alone, and so are numbers, dates and None.

Every export goes through :class:`Workbook` (openpyxl's write-only workbook, rows appended through
:meth:`Sheet.append`) or :func:`csv_writer`; a test fails on any other import of openpyxl's
workbook or of ``csv.writer`` in the package.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

import openpyxl

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def neutralise(value):
    """``value`` made safe for a spreadsheet cell (only texts are ever changed)."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [neutralise(v) for v in values]


class Sheet:
    """A write-only worksheet whose rows are neutralised."""

    def __init__(self, worksheet):
        self._worksheet = worksheet

    def append(self, values: Iterable) -> None:
        self._worksheet.append(safe_row(values))


class Workbook:
    """openpyxl's write-only workbook (rows streamed to disk, constant memory), safe cells."""

    def __init__(self):
        self._workbook = openpyxl.Workbook(write_only=True)

    def create_sheet(self, title: str) -> Sheet:
        return Sheet(self._workbook.create_sheet(title))

    def save(self, target) -> None:
        self._workbook.save(target)


def text(value) -> str:
    """A CSV cell's text (French Excel): dates as dd/mm/yyyy, None as empty."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class _Writer:
    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, values: Iterable):
        return self._writer.writerow([neutralise(text(v)) for v in values])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(out, **options) -> _Writer:
    """``csv.writer(out, **options)`` with safe cells, each written as :func:`text` (``writerow`` returns what ``out.write``
    returned, so a streaming "echo" buffer still works)."""
    return _Writer(out, **options)
