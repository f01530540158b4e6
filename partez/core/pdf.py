"""The house layout of every PDF partez prints (rosters, letters, funder reports), on ReportLab.

ReportLab rather than an HTML-to-PDF engine: it needs no system library, and it lays out a page in
about a millisecond, which matters when 5,000 invitation letters are printed in one job. Documents
are built from platypus flowables with the styles below; :func:`build` adds the footer (the
document's title, the page number) and the metadata.

Fonts: the standard Helvetica family (never embedded, so a 5,000-page file stays small). Its
encoding (WinAnsi) has every French letter, « », ’, œ and €, but not the narrow no-break space
that French number formatting uses: :func:`clean` maps it (and any other character the font
lacks) before text reaches a page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from .text import MONTHS

__all__ = [
    "A4",
    "INK",
    "PostalAddress",
    "address_block",
    "MUTED",
    "ACCENT",
    "STYLES",
    "Story",
    "build",
    "clean",
    "fitted_widths",
    "french_date",
    "landscape",
    "mm",
    "para",
    "table",
]

INK = colors.HexColor("#1d2b36")
MUTED = colors.HexColor("#5b6770")
ACCENT = colors.HexColor("#0b6e4f")  # the app's green (static/css/partez.css)
RULE = colors.HexColor("#c9d1d6")
ZEBRA = colors.HexColor("#f3f6f7")

_REPLACEMENTS = {
    "\u202f": "\u00a0",  # narrow no-break space (French thousands, before « ; : ! ?)
    "\u2009": " ",
    "\u2011": "-",
    "\u2212": "-",
    "\u2026": "...",
}


def clean(text) -> str:
    """``text`` as the standard fonts can print it (WinAnsi, i.e. cp1252)."""
    text = "" if text is None else str(text)
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("cp1252", "replace").decode("cp1252")


def french_date(d: date, *, weekday: bool = False) -> str:
    """``date(2026, 7, 11)`` → « 11 juillet 2026 » (« samedi 11 juillet 2026 » with ``weekday``)."""
    days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    day = "1er" if d.day == 1 else str(d.day)
    text = f"{day} {MONTHS[d.month - 1]} {d.year}"
    return f"{days[d.weekday()]} {text}" if weekday else text


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10, leading=13.5)
    styles = {
        "title": ParagraphStyle(
            "title", parent=body, fontName="Helvetica-Bold", fontSize=17, leading=21, textColor=INK
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=12.5,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            textColor=ACCENT,
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        # a header never breaks inside a word (« Dépar/t »): the table's widths must fit its words
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=body, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5, splitLongWords=0
        ),
        "address": ParagraphStyle("address", parent=body, fontSize=10.5, leading=13.5),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
    }
    # right-aligned twins of the cell styles, for the columns of figures (``table(align_right=…)``)
    styles["cell_right"] = ParagraphStyle("cell_right", parent=styles["cell"], alignment=TA_RIGHT)
    styles["cell_bold_right"] = ParagraphStyle(
        "cell_bold_right", parent=styles["cell_bold"], alignment=TA_RIGHT
    )
    return styles


STYLES = _styles()


def para(text, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: a name with « & » or « < » prints as typed)."""
    return Paragraph(escape(clean(text)).replace("\n", "<br/>"), STYLES[style])


def table(
    rows: Sequence[Sequence],
    *,
    widths: Sequence[float] | None = None,
    header: bool = True,
    align_right: Iterable[int] = (),
    repeat_header: bool = True,
) -> Table:
    """A ruled table in the house style: a bold header row repeated on every page, zebra rows.
    Cells are plain values (wrapped as paragraphs so long names break) or flowables."""
    right = set(align_right)
    data = [
        [
            cell
            if hasattr(cell, "wrapOn")
            else para(
                cell,
                ("cell_bold" if header and i == 0 else "cell")
                + ("_right" if {j, j - len(row)} & right else ""),
            )
            for j, cell in enumerate(row)
        ]
        for i, row in enumerate(rows)
    ]
    t = Table(data, colWidths=widths, repeatRows=1 if header and repeat_header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, ZEBRA]),
    ]
    if header:
        style += [("LINEBELOW", (0, 0), (-1, 0), 0.8, INK)]
    for column in right:
        style.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    t.setStyle(TableStyle(style))
    return t


# --- the postal address ------------------------------------------------------------------------

ADDRESS_LINE_MAX = 38  # characters a line of a French postal address holds (norme NF Z 10-011)
_NUMBER_COMMA = re.compile(r"^(\d+(?:\s?(?:bis|ter|quater|[A-D]))?)\s*,\s*", re.IGNORECASE)
WINDOW_LEFT_MM = 110  # a DL window envelope's window, from the page's left edge (A4 folded in three)


@dataclass(frozen=True)
class PostalAddress:
    """A letter's addressee, laid out as La Poste asks: the name (first name and SURNAME), the
    street lines, then « postcode COMMUNE » in capitals, no punctuation at the line ends."""

    name: str
    street: str
    postcode: str
    commune: str

    def lines(self) -> list[str]:
        # no punctuation in a postal line: « 762, rue… » is « 762 rue… »
        street = [_NUMBER_COMMA.sub(r"\1 ", line.strip()).rstrip(",.") for line in self.street.splitlines()]
        city = f"{self.postcode} {self.commune.upper()}".strip()
        return [line for line in [self.name.strip(), *street, city] if line]

    @property
    def missing(self) -> list[str]:
        """What the address lacks to be posted, in French (empty: it can be posted)."""
        parts = {"le nom": self.name, "la rue": self.street, "le code postal": self.postcode}
        return [label for label, value in {**parts, "la commune": self.commune}.items() if not value.strip()]


def address_block(address: PostalAddress, *, margin_mm: float = 16) -> Table:
    """The address where a window envelope shows it: from :data:`WINDOW_LEFT_MM` on the page, at
    the top of the letter (put it first in the story)."""
    lines = [
        Paragraph(escape(clean(line[: ADDRESS_LINE_MAX * 2])), STYLES["address"]) for line in address.lines()
    ]
    offset = (WINDOW_LEFT_MM - margin_mm) * mm
    t = Table([["", lines]], colWidths=[offset, (A4[0] / mm - WINDOW_LEFT_MM - margin_mm) * mm])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 22 * mm),  # the window starts about 45 mm down
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8 * mm),
            ]
        )
    )
    return t


CELL_PADDING = 12  # points: a cell's left and right padding (ReportLab's default, 6 each)


def fitted_widths(rows: Sequence[Sequence], width: float, *, label_share: float = 0.4) -> list[float]:
    """Column widths for :func:`table` that fit ``width`` and never break a header inside a word:
    each figure column is as wide as its longest header word or value (bold 8.5 pt); the first
    (label) column takes what is left, at least a quarter of the width, at most ``label_share``;
    the figure columns share out the rest in proportion."""
    columns = len(rows[0]) if rows else 0
    if columns < 2:
        return [width] * columns
    need = []
    for j in range(1, columns):
        words = [w for w in str(rows[0][j]).split() if w] + [str(r[j]) for r in rows[1:]]
        need.append(
            max((stringWidth(clean(w), "Helvetica-Bold", 8.5) for w in words), default=0) + CELL_PADDING
        )
    label = max(width * 0.25, min(width * label_share, width - sum(need)))
    scale = (width - label) / sum(need)
    return [label, *[n * scale for n in need]]


class Story:
    """Flowables produced on demand from an iterable, for very long documents (5,000 letters):
    ReportLab's ``build`` consumes its list from the front (``del story[0]``, split parts put
    back with ``story[0:0] = parts``), which is quadratic on a Python list, and a list holds every
    page's flowables at once. This keeps the front at the end of a reversed buffer (O(1) at the
    front) and pulls from the iterable only a few flowables ahead, so memory stays bounded."""

    AHEAD = 64

    def __init__(self, flowables: Iterable):
        self._source = iter(flowables)
        self._stack: list = []  # reversed: the front of the story is the last item
        self._done = False

    def _fill(self, n: int) -> None:
        if self._done or len(self._stack) >= n:
            return
        pulled = []
        for f in self._source:
            pulled.append(f)
            if len(self._stack) + len(pulled) >= n + self.AHEAD:
                break
        else:
            self._done = True
        self._stack[0:0] = reversed(pulled)

    def __len__(self) -> int:
        self._fill(1)
        return len(self._stack) + (0 if self._done else 1)

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.start not in (None, 0) or index.step not in (None, 1) or index.stop is None:
                raise TypeError("Story supports only story[:n]")
            self._fill(index.stop)
            return list(reversed(self._stack[len(self._stack) - index.stop :]))
        self._fill(index + 1)
        return self._stack[-1 - index]

    def __delitem__(self, index):
        stop = index.stop if isinstance(index, slice) else index + 1
        if (
            isinstance(index, slice)
            and index.start not in (None, 0)
            or not isinstance(index, slice)
            and index
        ):
            raise TypeError("Story deletes only from the front")
        self._fill(stop)
        del self._stack[len(self._stack) - stop :]

    def __setitem__(self, index, items):
        if not (isinstance(index, slice) and index.start in (None, 0) and index.stop == 0):
            raise TypeError("Story inserts only at the front (story[0:0] = items)")
        self._stack.extend(reversed(list(items)))

    def insert(self, index: int, item) -> None:
        if index:
            raise TypeError("Story inserts only at the front")
        self._stack.append(item)


def build(
    flowables: Sequence[Any] | Story,
    *,
    title: str,
    author: str = "partez",
    pagesize=A4,
    margins_mm: float = 16,
    footer: str | None = None,
    output: io.BufferedIOBase | None = None,
) -> bytes | None:
    """Lay out ``flowables`` with the house footer (``footer`` or the title, then « page N »).

    Returns the PDF's bytes, or writes it to ``output`` (a binary file, for large documents built
    straight to disk) and returns None."""
    buffer = io.BytesIO()
    target = output if output is not None else buffer
    footer_text = clean(footer or title)

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(MUTED)
        width, _height = pagesize
        canvas.drawString(margins_mm * mm, 9 * mm, footer_text[:120])
        canvas.drawRightString(width - margins_mm * mm, 9 * mm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        target,
        pagesize=pagesize,
        leftMargin=margins_mm * mm,
        rightMargin=margins_mm * mm,
        topMargin=margins_mm * mm,
        bottomMargin=(margins_mm + 4) * mm,
        title=clean(title),
        author=clean(author),
        creator="partez",
        lang="fr-FR",
    )
    story = flowables if isinstance(flowables, Story) else list(flowables)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    if output is None:
        return buffer.getvalue()
    return None
