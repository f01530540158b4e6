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


def test_columns_of_figures_are_right_aligned_paragraphs_too():
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT

    t = pdf.table([["Commune", "Personnes"], ["Lens", 12]], align_right=[-1])
    cells = t._cellvalues
    assert cells[0][1].style.alignment == TA_RIGHT and cells[1][1].style.alignment == TA_RIGHT
    assert cells[1][0].style.alignment == TA_LEFT
