"""Invitation letters to the Fête des vacances: one A4 page per household with its QR code, in
the house layout (:mod:`partez.core.pdf`). Pure of the ORM: plain dataclasses in, PDF out, so
the 5,000-letter benchmark and the job print the same thing.

The QR code (segno) holds the household's public RSVP address, which ends with its code: a
phone's camera opens the RSVP page, the volunteers' scanner reads the code out of it. It is
drawn as vector rectangles (one per run of dark modules in a row), not as an embedded image:
sharp at any print size, and a few hundred bytes per page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import segno
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from partez.core import pdf
from partez.core.pdf import mm


@dataclass(frozen=True)
class FeteInfo:
    name: str
    year: int
    date: dt.date
    place: str
    address: str
    opens_at: dt.time
    closes_at: dt.time
    contact: str = ""


@dataclass(frozen=True)
class Letter:
    code: str  # as printed: « ABCDE-FGHJK »
    qr_text: str  # the RSVP address ending with the code
    to: pdf.PostalAddress  # « Claire MARTIN », the street, « 62300 LENS »
    stand: str
    entitlements: Sequence[str] = field(default_factory=tuple)
    slot: str = ""  # « 14 h 00 – 15 h 00 »
    people: int = 1


class QrFlowable(Flowable):
    """A QR code drawn with vector rectangles, ``size`` wide including a 4-module quiet zone."""

    def __init__(self, text: str, size: float = 42 * mm):
        super().__init__()
        self.text = text  # encoded when drawn: 5,000 letters do not hold 5,000 matrices
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        # Runs of dark modules as raw « re » operators in module units (one string per code):
        # ReportLab's path API formats every coordinate in Python, 10× slower on 5,000 pages.
        # A fixed mask pattern (valid for any reader) skips segno's search for the best of eight,
        # which is most of the encoding time; error correction M survives a creased letter.
        matrix = segno.make(self.text, error="m", micro=False, mask=0, boost_error=False).matrix
        n = len(matrix)
        module = self.size / (n + 8)
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.translate(4 * module, 4 * module)
        canvas.scale(module, module)
        ops = []
        for y, row in enumerate(matrix):
            bottom = n - 1 - y
            x = 0
            while x < n:
                if row[x]:
                    start = x
                    while x < n and row[x]:
                        x += 1
                    ops.append(f"{start} {bottom} {x - start} 1 re")
                else:
                    x += 1
        ops.append("f")
        canvas._code.append("\n".join(ops))
        canvas.restoreState()


def _code_table(letter: Letter, code_block: list) -> Table:
    t = Table([[QrFlowable(letter.qr_text), code_block]], colWidths=[48 * mm, None])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.8, pdf.ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        )
    )
    return t


def time_text(t: dt.time) -> str:
    return f"{t.hour} h {t.minute:02d}" if t.minute else f"{t.hour} h"


def _letter(fete: FeteInfo, letter: Letter) -> list:
    when = (
        f"le {pdf.french_date(fete.date, weekday=True)}, de {time_text(fete.opens_at)} à "
        f"{time_text(fete.closes_at)}"
    )
    where = fete.place + (f", {fete.address}" if fete.address else "")
    flow = [
        pdf.address_block(letter.to),
        pdf.para(f"{fete.name} {fete.year}", "title"),
        Spacer(1, 3 * mm),
        pdf.para(
            f"Bonjour, votre foyer est invité à la {fete.name}, {when}, {where}. "
            "C'est là que vous recevrez ce qui vous a été attribué pour vos vacances :"
        ),
    ]
    rights = "\n".join(f"• {item}" for item in letter.entitlements)
    where_when = f"Rendez-vous au « {letter.stand} » pour le recevoir."
    if letter.slot:
        where_when += f"\nCréneau d'arrivée conseillé : {letter.slot} (pour éviter l'attente)."
    flow += [pdf.para(rights), Spacer(1, 2 * mm), pdf.para(where_when)]
    code_block = [
        pdf.para("Votre code d'invitation", "h2"),
        pdf.para(letter.code, "title"),
        pdf.para(
            "Présentez ce courrier (ou ce code sur votre téléphone) à l'entrée puis au stand : "
            "il ouvre tous les droits de votre foyer. Une pièce d'identité et un stylo pourront "
            "vous être demandés pour signer le reçu.",
            "small",
        ),
    ]
    flow += [
        Spacer(1, 4 * mm),
        KeepTogether(_code_table(letter, code_block)),
        Spacer(1, 4 * mm),
        pdf.para(
            "Merci de nous dire si vous viendrez : scannez le code avec votre téléphone ou ouvrez "
            f"l'adresse {letter.qr_text}"
        ),
    ]
    if fete.contact:
        flow.append(pdf.para(f"Une question ? {fete.contact}", "small"))
    return flow


def render(fete: FeteInfo, letters: Iterable[Letter], output=None) -> bytes | None:
    """One PDF with a page per letter (``output``: a binary file to write to, else bytes). The
    letters are laid out as they come (:class:`partez.core.pdf.Story`): memory does not grow
    with their number."""

    def flowables():
        empty = True
        for i, letter in enumerate(letters):
            empty = False
            if i:
                yield PageBreak()
            yield from _letter(fete, letter)
        if empty:
            yield pdf.para("Aucune invitation.")

    return pdf.build(
        pdf.Story(flowables()),
        title=f"Invitations — {fete.name} {fete.year}",
        footer=f"{fete.name} {fete.year}",
        output=output,
    )
