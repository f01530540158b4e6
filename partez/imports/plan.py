"""The rows of a file grouped into households, each value read and every error named (row, field,
message in French). Pure: the caller gives the communes, today's date and the largest household."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import parse


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # the column's label (« Date de naissance »)
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class PersonRow:
    row: int
    first_name: str
    last_name: str
    birth_date: dt.date
    relation: str
    employment: str


@dataclass
class HouseholdRows:
    key: str
    rows: list[int] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)  # commune_insee, address, phone, … (cents)
    persons: list[PersonRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def head(self) -> PersonRow | None:
        return next((p for p in self.persons if p.relation == "head"), None)


_HOUSEHOLD_READERS: dict[str, Callable[[object, parse.CommuneIndex], object]] = {
    "address": lambda v, _: parse.text(v)[:250],
    "phone": lambda v, _: parse.parse_phone(v),
    "email": lambda v, _: parse.parse_email(v),
    "caf_number": lambda v, _: parse.text(v).replace(" ", "")[:20],
    "income": lambda v, _: parse.parse_euros(v, what="Les revenus"),
    "benefits": lambda v, _: parse.parse_euros(v, what="Les prestations familiales"),
    "commune": lambda v, communes: communes.resolve(v),
}
_STORED_AS = {
    "commune": "commune_insee",
    "income": "annual_taxable_income_cents",
    "benefits": "monthly_family_benefits_cents",
}


def _person(
    number: int, values: dict[str, object], errors: list[RowError], today: dt.date
) -> PersonRow | None:
    found: dict[str, object] = {}
    for name in ("last_name", "first_name"):
        value = parse.text(values.get(name))
        if not value:
            errors.append(RowError(number, parse.label(name), f"Le champ « {parse.label(name)} » est vide."))
        elif len(value) > 80:
            errors.append(RowError(number, parse.label(name), "80 caractères au plus."))
        found[name] = value
    for name, reader in (
        ("birth_date", lambda v: parse.parse_date(v, today=today)),
        ("relation", parse.parse_relation),
        ("situation", parse.parse_situation),
    ):
        try:
            found[name] = reader(values.get(name))
        except parse.CellError as exc:
            errors.append(RowError(number, parse.label(name), str(exc)))
    if len(errors) and any(e.row == number for e in errors):
        return None
    return PersonRow(
        row=number,
        first_name=str(found["first_name"]),
        last_name=str(found["last_name"]),
        birth_date=found["birth_date"],  # type: ignore[arg-type]
        relation=str(found["relation"]),
        employment=str(found["situation"]),
    )


def group(
    rows: Iterable[tuple[int, dict[str, object]]],
    *,
    communes: parse.CommuneIndex,
    today: dt.date,
    max_persons: int,
) -> list[HouseholdRows]:
    """Rows (number, field → cell) → households in the file's order."""
    households: dict[str, HouseholdRows] = {}
    seen_from: dict[tuple[str, str], int] = {}
    for number, values in rows:
        key = parse.text(values.get("household_key")) or f"ligne {number}"
        household = households.setdefault(key, HouseholdRows(key=key))
        household.rows.append(number)
        person = _person(number, values, household.errors, today)
        if person is not None:
            household.persons.append(person)
        for name, reader in _HOUSEHOLD_READERS.items():
            raw = values.get(name)
            if parse.text(raw) == "":
                continue
            try:
                value = reader(raw, communes)
            except parse.CellError as exc:
                household.errors.append(RowError(number, parse.label(name), str(exc)))
                continue
            stored = _STORED_AS.get(name, name)
            if stored in household.values and household.values[stored] != value:
                household.errors.append(
                    RowError(
                        number,
                        parse.label(name),
                        f"Valeur différente de celle de la ligne {seen_from[(key, stored)]} pour le même foyer.",
                    )
                )
                continue
            household.values[stored] = value
            seen_from[(key, stored)] = number
    for household in households.values():
        _check_household(household, max_persons)
    return list(households.values())


def _check_household(household: HouseholdRows, max_persons: int) -> None:
    first = household.rows[0]
    name = f"Le foyer « {household.key} »" if not household.key.startswith("ligne ") else "Cette personne"
    if "commune_insee" not in household.values and not any(
        e.field == parse.label("commune") for e in household.errors
    ):
        household.errors.append(RowError(first, parse.label("commune"), f"{name} n'a pas de commune."))
    if any(e.field in (parse.label("relation"),) for e in household.errors):
        return
    heads = [p for p in household.persons if p.relation == "head"]
    spouses = [p for p in household.persons if p.relation == "spouse"]
    if len(household.rows) == len(household.persons) and not heads:
        household.errors.append(
            RowError(first, parse.label("relation"), f"{name} n'a pas de demandeur·se (colonne « Lien »).")
        )
    if len(heads) > 1:
        household.errors.append(
            RowError(heads[1].row, parse.label("relation"), f"{name} a plusieurs demandeur·ses.")
        )
    if len(spouses) > 1:
        household.errors.append(
            RowError(spouses[1].row, parse.label("relation"), f"{name} a plusieurs conjoint·es.")
        )
    if len(household.rows) > max_persons:
        household.errors.append(
            RowError(first, parse.label("household_key"), f"{name} compte plus de {max_persons} personnes.")
        )
