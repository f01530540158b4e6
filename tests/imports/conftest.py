import datetime as dt
import io

import openpyxl
import pytest

HEADERS = [
    "N° foyer",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Lien",
    "Commune",
    "Adresse",
    "Téléphone",
    "E-mail",
    "N° allocataire CAF",
    "Revenus imposables annuels",
    "Prestations familiales mensuelles",
    "Situation",
]
# Invented people only.
ROWS = [
    [
        "A1",
        "Dupont",
        "Sylvie",
        "03/05/1987",
        "Demandeuse",
        "Lens",
        "4 rue des Tilleuls",
        "06 12 34 56 78",
        "",
        "1234567",
        "14 500",
        "210,50",
        "Salariée",
    ],
    ["A1", "Dupont", "Enzo", "2015-09-12", "enfant", "", "", "", "", "", "", "", "scolaire"],
    [
        "A2",
        "Lefèvre",
        "Marc",
        "21/11/1958",
        "DEMANDEUR",
        "liévin",
        "2 place du Marché",
        "+33 7 11 22 33 44",
        "marc@example.org",
        "",
        "11200",
        "",
        "retraité",
    ],
    ["A3", "Bernard", "Lucie", "31/02/1990", "demandeur", "Lens", "", "", "", "", "", "", ""],
    [
        "A4",
        "Petit",
        "Nadia",
        "12/12/1992",
        "conjointe",
        "Atlantis",
        "",
        "pas un numéro",
        "",
        "",
        "-50",
        "",
        "",
    ],
]


def csv_bytes(rows=ROWS, headers=HEADERS, sep=";", encoding="utf-8") -> bytes:
    lines = [sep.join(headers)] + [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows=ROWS, headers=HEADERS, *, title=True, dates=True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:  # a title merged across the columns, as people make them
        sheet.append(["Familles suivies — CCAS"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for r in rows:
        values = list(r)
        if dates:
            try:
                day, month, year = (int(x) for x in values[3].split("/"))
                values[3] = dt.datetime(year, month, day)  # noqa: DTZ001 (Excel dates are naive)
            except ValueError:
                pass
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def lens_referent(referent):
    return referent


@pytest.fixture
def read(lens_referent):
    from partez.imports import services

    def _read(content=None, name="foyers.csv", scopes=("casework",), on=dt.date(2026, 1, 5)):
        return services.batch_read(
            actor=lens_referent,
            name=name,
            content=csv_bytes() if content is None else content,
            consent_scopes=list(scopes),
            consent_collected_on=on,
        )

    return _read
