"""Offers from a CSV / XLSX catalogue: headings recognised with their variants, per-line French
errors in the preview, the valid lines written all together, unknown sites created."""

import io

import pytest
from openpyxl import Workbook

from partez.core.errors import DomainError, NotAllowed
from partez.offers import imports
from partez.offers.models import Offer, Site
from tests.factories.offers import catalogue

pytestmark = pytest.mark.django_db

CSV = (
    "Type;Nom du site;Commune;Département;Période;Hébergement;Lits;PMR;Sans voiture;Prix public;Prix solidaire\n"
    "BSV;Village de la Dune;Berck;62;ete-juillet;Chalet;5;oui;oui;480,00;190,00\n"
    "don;Camping des Pins;Quend;80;02/08/2025;mobil-home;6;non;non;;\n"
    "cadeau;Camping des Pins;Quend;80;01/01/2030;yourte;beaucoup;non;non;;\n"
    "BSV;Camping des Pins;Quend;80;ete-aout;Gîte;4;non;non;300;400\n"
)


def test_preview_names_each_lines_errors_and_import_writes_the_valid_ones():
    c = catalogue()
    lines = imports.preview(actor=c.host, name="catalogue.csv", content=CSV.encode(), edition_id=c.edition.pk)
    assert [line.number for line in lines] == [2, 3, 4, 5]
    assert lines[0].errors == {} and lines[1].errors == {}
    assert set(lines[2].errors) == {"kind", "unit_kind", "beds", "period"}
    assert lines[3].errors == {"solidarity_price_cents": "Le prix solidaire est inférieur au prix public."}
    assert not Offer.objects.filter(site__commune="Quend").exists()  # nothing written by the preview
    before = Offer.objects.count()
    assert imports.offers_import(actor=c.host, lines=imports.serialise(lines)) == 2
    assert Offer.objects.count() == before + 2
    bsv = Offer.objects.get(site=c.dune, period=c.july, beds=5)
    assert (bsv.public_price_cents, bsv.solidarity_price_cents, bsv.unit_kind) == (48_000, 19_000, "chalet")
    pins = Site.objects.get(name="Camping des Pins")
    assert pins.host == c.host_org and not pins.reachable_without_car


def test_an_xlsx_file_and_its_missing_columns():
    c = catalogue()
    wb = Workbook()
    wb.active.append(["type", "site", "commune", "departement", "semaine", "logement", "couchages"])
    wb.active.append(["don", "Village de la Dune", "Berck", "62", "ete-aout", "appartement", 4])
    out = io.BytesIO()
    wb.save(out)
    lines = imports.preview(
        actor=c.coordination, name="f.xlsx", content=out.getvalue(), edition_id=c.edition.pk
    )
    assert lines[0].errors == {} and lines[0].values["unit_kind"] == "apartment"
    with pytest.raises(DomainError, match="Colonnes manquantes : beds"):
        imports.preview(
            actor=c.host,
            name="f.csv",
            content=b"type;site;commune;departement;hebergement\n",
            edition_id=c.edition.pk,
        )
    with pytest.raises(DomainError, match=".csv ou .xlsx"):
        imports.preview(actor=c.host, name="f.pdf", content=b"x", edition_id=c.edition.pk)
    with pytest.raises(NotAllowed):
        imports.preview(actor=c.lens, name="f.csv", content=CSV.encode(), edition_id=c.edition.pk)
