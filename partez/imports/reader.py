"""Opening a commune's file: XLSX (merged header cells, a title above the headers) or CSV as
French Excel writes it (UTF-8 or Windows-1252, « ; » or « , »). Returns the header row and the
data rows as JSON-ready values (dates as ISO texts), each with its row number in the file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from partez.core.errors import DomainError

from . import parse

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 15


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number in the file, cells)


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _header_row(rows: list[list]) -> int:
    """Index of the row holding the headers: the first with at least three recognised ones."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for v in row if parse.recognise(v)) >= 3:
            return i
    raise DomainError(
        "Aucune ligne d'en-têtes reconnue : le fichier doit avoir des colonnes « Nom », « Prénom » "
        "et « Date de naissance » (téléchargez le modèle).",
        field="file",
    )


def _table(raw_rows: list[list], first_number: int = 1) -> Table:
    at = _header_row(raw_rows)
    headers = [parse.text(h) for h in raw_rows[at]]
    table = Table(headers=headers)
    for offset, row in enumerate(raw_rows[at + 1 :], start=at + 1):
        cells = [_cell(v) for v in row][: len(headers)]
        cells += [None] * (len(headers) - len(cells))
        if all(v in (None, "") for v in cells):
            continue
        table.rows.append((first_number + offset, cells))
        if len(table.rows) > MAX_ROWS:
            raise DomainError(f"Le fichier compte plus de {MAX_ROWS} lignes : découpez-le.", field="file")
    return table


def read_xlsx(content: bytes) -> Table:
    import openpyxl  # reading only: the write side is core/spreadsheet.py
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DomainError(
            "Ce fichier Excel ne peut pas être lu (enregistrez-le en .xlsx).", field="file"
        ) from exc
    sheet = book.worksheets[0]
    grid = [list(r) for r in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:  # a merged cell's value on every cell it covers
        top = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = top
    return _table(grid)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_csv(content: bytes) -> Table:
    data = _decode(content)
    first = data.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    rows = [list(r) for r in csv.reader(io.StringIO(data), delimiter=delimiter)]
    return _table(rows)


def read(name: str, content: bytes) -> Table:
    if not content:
        raise DomainError("Le fichier est vide.", field="file")
    if len(content) > MAX_BYTES:
        raise DomainError("Le fichier dépasse 10 Mo : découpez-le.", field="file")
    lower = name.lower()
    if lower.endswith(".xlsx") or content[:2] == b"PK":
        return read_xlsx(content)
    if lower.endswith((".csv", ".txt")):
        return read_csv(content)
    raise DomainError("Format non pris en charge : un fichier .xlsx ou .csv.", field="file")
