from datetime import date

from partez.core import pdf


def test_clean_maps_characters_the_standard_fonts_lack():
    assert pdf.clean("1\u202f234 €") == "1\u00a0234 €"
    assert pdf.clean("œuvre « ici »") == "œuvre « ici »"
    assert pdf.clean("✓") == "?"
    assert pdf.clean(None) == ""


def test_french_date():
    assert pdf.french_date(date(2026, 7, 1)) == "1er juillet 2026"
    assert pdf.french_date(date(2026, 7, 11), weekday=True) == "samedi 11 juillet 2026"


def test_build_prints_a_pdf_with_a_table_and_escaped_text():
    content = pdf.build(
        [
            pdf.para("Liste <1> & co", "title"),
            pdf.table([["Nom", "Lits"], ["Mobil-home A", 6]], align_right=[1]),
        ],
        title="Essai",
    )
    assert content.startswith(b"%PDF-")
    assert len(content) > 800
