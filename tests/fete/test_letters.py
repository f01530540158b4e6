"""Invitation letters: one page per household with its QR code, laid out lazily (bounded memory)."""

import datetime as dt
import io

from reportlab.platypus import PageBreak

from partez.core import pdf
from partez.fete import letters

FETE = letters.FeteInfo(
    name="Fête des vacances",
    year=2025,
    date=dt.date(2025, 6, 28),
    place="Stade Bollaert-Delelis",
    address="Lens",
    opens_at=dt.time(10),
    closes_at=dt.time(18, 30),
    contact="03 21 00 00 00",
)


def _letter(i: int) -> letters.Letter:
    return letters.Letter(
        code=f"ABCDE-{i:05d}",
        qr_text=f"http://127.0.0.1:8000/fete/r/ABCDE{i:05d}/",
        to=pdf.PostalAddress(
            name="Claire MARTIN & fils <test>", street="1 rue des Écoles", postcode="62300", commune="Lens"
        ),
        stand="Stand de Lens",
        entitlements=["Chèques-vacances : 310,00 €", "Séjour commun : convocation et documents"],
        slot="14 h – 15 h",
    )


def _pages(data: bytes) -> int:
    return data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")


def test_one_page_per_letter_with_the_code_and_the_hours():
    data = letters.render(FETE, [_letter(i) for i in range(3)])
    assert data.startswith(b"%PDF-")
    out = io.BytesIO()
    letters.render(FETE, iter([_letter(i) for i in range(3)]), output=out)
    assert len(out.getvalue()) > 1000
    assert letters.time_text(dt.time(18, 30)) == "18 h 30" and letters.time_text(dt.time(10)) == "10 h"


def test_a_story_lays_out_exactly_like_a_list():
    def flow(n):
        for i in range(n):
            if i:
                yield PageBreak()
            yield pdf.para(f"Lettre {i} " + "mot " * 400)  # long enough to split across pages

    as_list = pdf.build(list(flow(30)), title="t")
    as_story = pdf.build(pdf.Story(flow(30)), title="t")
    assert as_list.count(b"/Type /Page") == as_story.count(b"/Type /Page") > 30


def test_story_front_operations():
    story = pdf.Story(iter(range(200)))
    assert len(story) > 0 and story[0] == 0 and story[5] == 5
    assert story[:3] == [0, 1, 2]
    del story[0]
    assert story[0] == 1
    story[0:0] = ["a", "b"]
    assert story[:3] == ["a", "b", 1]
    story.insert(0, "z")
    del story[:3]
    assert story[0] == 1
    items = []
    while len(story):
        items.append(story[0])
        del story[0]
    assert items == list(range(1, 200))


def test_a_postal_address_reads_as_la_poste_asks():
    to = pdf.PostalAddress(
        name="Adélaïde LEFEBVRE", street="107, rue Jean Jaurès,", postcode="62160", commune="Aix-Noulette"
    )
    assert to.lines() == ["Adélaïde LEFEBVRE", "107 rue Jean Jaurès", "62160 AIX-NOULETTE"]
    assert to.missing == []
    assert pdf.PostalAddress(name="Adélaïde L.", street="", postcode="", commune="Avion").missing == [
        "la rue",
        "le code postal",
    ]


def test_the_invitation_letter_is_addressed_with_the_surname_the_street_and_the_postcode():
    from tests.reports.test_views import pdf_text

    letter = _letter(1)
    letter = letters.Letter(
        **{
            **letter.__dict__,
            "to": pdf.PostalAddress("Adélaïde LEFEBVRE", "107 rue Jean Jaurès", "62160", "Aix-Noulette"),
        }
    )
    text = pdf_text(letters.render(FETE, [letter]))
    assert "Adélaïde LEFEBVRE" in text and "107 rue Jean Jaurès" in text and "62160 AIX-NOULETTE" in text
