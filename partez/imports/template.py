"""The downloadable template: one row per person, the headers the import recognises, two example
households (invented) and a sheet explaining each column."""

from __future__ import annotations

import io

from partez.core.spreadsheet import Workbook

from . import parse

COLUMNS = [
    "household_key",
    "last_name",
    "first_name",
    "birth_date",
    "relation",
    "commune",
    "address",
    "phone",
    "email",
    "caf_number",
    "income",
    "benefits",
    "situation",
]
HELP = {
    "household_key": "Le même numéro sur chaque ligne des personnes d'un même foyer.",
    "last_name": "Obligatoire.",
    "first_name": "Obligatoire.",
    "birth_date": "JJ/MM/AAAA (ou une date Excel). Obligatoire.",
    "relation": "Demandeur, conjoint, enfant ou autre. Un seul demandeur par foyer.",
    "commune": "Nom de la commune (accents et majuscules sans importance) ou code INSEE.",
    "address": "Sur une ligne du foyer (au choix).",
    "phone": "Tout format français : 06 12 34 56 78, +33 6…",
    "email": "",
    "caf_number": "",
    "income": "En euros, par an (revenus imposables du foyer).",
    "benefits": "En euros, par mois (prestations familiales).",
    "situation": "Salarié, retraité, sans activité, demandeur d'emploi, étudiant, apprenti, service civique, autre.",
}
EXAMPLE = [
    [
        "1",
        "Exemple",
        "Camille",
        "03/05/1987",
        "Demandeur",
        "Lens",
        "1 rue de l'Exemple",
        "06 00 00 00 01",
        "",
        "",
        "14 500",
        "210",
        "Salarié",
    ],
    ["1", "Exemple", "Noé", "12/09/2015", "Enfant", "", "", "", "", "", "", "", ""],
    [
        "2",
        "Modèle",
        "Dominique",
        "21/11/1958",
        "Demandeur",
        "62510",
        "2 place du Modèle",
        "",
        "",
        "",
        "11 200",
        "",
        "Retraité",
    ],
]


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.create_sheet("Foyers")
    sheet.append([parse.label(c) for c in COLUMNS])
    for row in EXAMPLE:
        sheet.append(row)
    help_sheet = book.create_sheet("Mode d'emploi")
    help_sheet.append(["Colonne", "Ce qu'elle contient"])
    for c in COLUMNS:
        help_sheet.append([parse.label(c), HELP[c]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
