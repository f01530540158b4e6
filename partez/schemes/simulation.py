"""The simulator's input: a plain dict (the API's JSON, the public form's answers) validated into
an engine :class:`~partez.schemes.engine.Situation`.

Both doors — ``POST /api/v1/simulate`` and the public page ``/simulateur/`` — call :func:`build`,
so every rule about the input is written once. A refusal is a ``DomainError`` whose keys are the
API's field paths (``date``, ``household.members[0].birth_date``, ``travellers``…) with one French
message each; the web form maps them back to its own fields.

Nothing is written, ever: :func:`build` reads the commune list (cached), the commune's commune and
edition rows (``situations.commune_participation``) and the schemes' definitions — five queries at
most, whatever the size of the household.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from partez.core.errors import DomainError
from partez.core.money import euros
from partez.territory.selectors import commune_choices

from . import catalogue, engine, selectors, situations
from .definition import STATUSES, SchemeDefinition
from .definition import _date as parse_date  # ISO text, date or datetime → date or None

MAX_CENTS = 1_000_000_000  # 10 million euros: anything above is a typing slip, not a holiday
MAX_NIGHTS = 365
MAX_MEMBERS = 20
MAX_PAST_DEPARTURES = 100  # five a person
MAX_SCHEMES = 50
MAX_ID_LENGTH = 40
MAX_ERRORS = 40  # errors reported at most (a list of 20 bad members would give hundreds)
MAX_NAMED = 5  # unknown values quoted at most in one message
FIRST_YEAR, LAST_YEAR = 2000, 2100  # departure dates; the schemes' oldest values start in 2000
FIRST_PAST_YEAR = 1950
RELATIONS = {"adult": "adulte", "child": "enfant"}
FORMATS = engine.FORMAT_LABELS
OUTSIDE_SCHEMES = {"", "other"}  # a past departure outside any known scheme

MISSING = "Ce champ est obligatoire."
BAD_DATE = "Date invalide : format attendu AAAA-MM-JJ."
BAD_INT = "Nombre entier attendu."
BAD_CENTS = "Nombre entier attendu (montants en centimes)."
NEGATIVE = "Le montant ne peut pas être négatif."
TOO_MUCH = f"Montant trop élevé : {euros(MAX_CENTS)} au plus."
BAD_BOOL = "Booléen attendu (true ou false)."
BAD_PARTS = "Le nombre de parts fiscales doit être compris entre 1 et 20 (par quart de part)."


@dataclass(frozen=True)
class Simulation:
    """A validated simulation: the situation and the scheme definitions to evaluate."""

    situation: engine.Situation
    definitions: tuple[SchemeDefinition, ...]

    def evaluate(self, *, alternatives: int = 3) -> engine.Evaluation:
        return engine.evaluate(self.situation, self.definitions, alternatives=alternatives)


def simulate(data: Mapping[str, Any], *, definitions: Sequence[SchemeDefinition] | None = None):
    """``build`` then evaluate: ``(Simulation, Evaluation)``."""
    simulation = build(data, definitions=definitions)
    return simulation, simulation.evaluate()


# --- parsing helpers: each returns the value or None after recording a French message ----------


class _Errors(dict):
    """Field path → French message, the first for each field, :data:`MAX_ERRORS` at most."""

    def __init__(self) -> None:
        super().__init__()
        self.found = 0  # every error found, reported or not (a row is valid when it adds none)

    @property
    def truncated(self) -> bool:
        return self.found > len(self)

    def add(self, field: str, message: str) -> None:
        if field in self:
            return
        self.found += 1
        if len(self) < MAX_ERRORS:
            self[field] = message

    def refusal(self) -> DomainError:
        errors = dict(self)
        if self.truncated:
            errors["__all__"] = (
                f"Plus de {MAX_ERRORS} erreurs : corrigez celles-ci, puis renvoyez la demande."
            )
        return DomainError(errors)


def _quoted(values: Sequence[str]) -> str:
    shown = ", ".join(f"« {str(v)[:MAX_ID_LENGTH]} »" for v in values[:MAX_NAMED])
    return shown + (f" et {len(values) - MAX_NAMED} autre(s)" if len(values) > MAX_NAMED else "")


def _date(errors: _Errors, value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            errors.add(field, MISSING)
        return None
    parsed = parse_date(value.strip() if isinstance(value, str) else value)
    if parsed is None:
        errors.add(field, BAD_DATE)
    return parsed


def _int(errors: _Errors, value: Any, field: str, *, message: str = BAD_INT) -> int | None:
    if isinstance(value, bool):
        errors.add(field, message)
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    errors.add(field, message)
    return None


def _cents(errors: _Errors, data: Mapping, key: str, field: str, *, required: bool) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.add(field, MISSING)
        return None
    cents = _int(errors, value, field, message=BAD_CENTS)
    if cents is None:
        return None
    if cents < 0:
        errors.add(field, NEGATIVE)
        return None
    if cents > MAX_CENTS:
        errors.add(field, TOO_MUCH)
        return None
    return cents


def _bool(errors: _Errors, value: Any, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    errors.add(field, BAD_BOOL)
    return None


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= MAX_ID_LENGTH else None


def _list(errors: _Errors, value: Any, field: str, most: int) -> list | None:
    if not isinstance(value, list | tuple):
        errors.add(field, "Liste attendue.")
        return None
    if len(value) > most:
        errors.add(field, f"Au plus {most} élément(s) attendu(s).")
        return None
    return list(value)


def _parts(errors: _Errors, value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        parts = None if isinstance(value, bool) else Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        parts = None
    if parts is None or not parts.is_finite() or parts < 1 or parts > 20 or (parts * 4) % 1:
        errors.add(field, BAD_PARTS)
        return None
    return parts


def _scheme_list(slugs: Iterable[str]) -> str:
    return ", ".join(sorted(slugs))


# --- the one input-building function -------------------------------------------------------------


def build(data: Mapping[str, Any], *, definitions: Sequence[SchemeDefinition] | None = None) -> Simulation:
    """Validate a simulation's plain data and turn it into a :class:`Simulation`.

    Keys (the API's body): ``date`` (first day of the stay), ``nights`` — or ``end_date``, the day
    of return —, ``commune`` (INSEE code), ``cost_cents``, ``lodging_cents`` (optional: the
    part of the cost that is lodging, what an aid in kind covers), ``household`` {``members``
    [{``id``, ``birth_date``, ``relation`` adult|child, ``status``, ``disabled``, ``label``}],
    ``annual_taxable_income_cents``, ``monthly_family_benefits_cents``, ``rfr_cents``,
    ``tax_parts``, ``taxable``, ``past_departures`` [{``person``, ``year``, ``scheme``}]},
    ``travellers`` (member ids, default all), ``schemes`` (slugs, default all), ``format``.

    ``definitions``: the active schemes when the caller already has them (the web page lists
    them in its form); read otherwise. Raises ``DomainError`` with every faulty field."""
    errors = _Errors()
    if not isinstance(data, Mapping):
        raise DomainError("Objet JSON attendu.")
    all_definitions = list(definitions) if definitions is not None else selectors.definitions()
    by_slug = {d.slug: d for d in all_definitions}

    # --- the stay ---
    date = _date(errors, data.get("date"), "date")
    if date is not None and not FIRST_YEAR <= date.year <= LAST_YEAR:
        errors.add("date", f"La date de départ doit être comprise entre {FIRST_YEAR} et {LAST_YEAR}.")
        date = None
    nights = _nights(errors, data, date)
    cost_cents = _cents(errors, data, "cost_cents", "cost_cents", required=True)
    lodging_cents = _cents(errors, data, "lodging_cents", "lodging_cents", required=False)
    if lodging_cents is not None and cost_cents is not None and lodging_cents > cost_cents:
        errors.add("lodging_cents", "L'hébergement ne peut pas coûter plus que le séjour entier.")
    insee = data.get("commune")
    insee = insee.strip() if isinstance(insee, str) else insee
    if insee is None or insee == "":
        errors.add("commune", MISSING)
    elif not isinstance(insee, str) or insee not in {code for code, _name in commune_choices()}:
        errors.add("commune", f"Commune inconnue : « {insee} » n'est pas un code INSEE du territoire.")
        insee = None
    fmt = data.get("format") or None
    if fmt is not None and (not isinstance(fmt, str) or fmt not in FORMATS):
        errors.add("format", f"Format inconnu : valeurs possibles {', '.join(FORMATS)}.")
        fmt = None

    # --- the household ---
    household = data.get("household")
    if not isinstance(household, Mapping):
        errors.add("household", MISSING if household is None else "Objet JSON attendu.")
        household = {}
    members, complete = _members(errors, household.get("members"), date)
    # References to members are checked only against a complete, valid list of members.
    member_ids = {m.id for m in members} if complete else None
    income = _cents(
        errors,
        household,
        "annual_taxable_income_cents",
        "household.annual_taxable_income_cents",
        required=False,
    )
    benefits = _cents(
        errors,
        household,
        "monthly_family_benefits_cents",
        "household.monthly_family_benefits_cents",
        required=False,
    )
    rfr = _cents(errors, household, "rfr_cents", "household.rfr_cents", required=False)
    parts = _parts(errors, household.get("tax_parts"), "household.tax_parts")
    taxable = _bool(errors, household.get("taxable"), "household.taxable")
    couple = _bool(errors, household.get("couple"), "household.couple")
    past = _past_departures(errors, household.get("past_departures"), member_ids, date, all_definitions)

    # --- what to evaluate ---
    travellers = _travellers(errors, data.get("travellers"), member_ids)
    wanted = data.get("schemes")
    chosen = all_definitions
    if wanted:
        wanted = _list(errors, wanted, "schemes", MAX_SCHEMES) or []
        unknown = [str(s) for s in wanted if not isinstance(s, str) or s not in by_slug]
        if unknown:
            errors.add(
                "schemes",
                f"Dispositif inconnu : {_quoted(unknown)} (dispositifs possibles : {_scheme_list(by_slug)}).",
            )
        else:
            chosen = [by_slug[s] for s in dict.fromkeys(wanted)]

    if errors:
        raise errors.refusal()
    # Valid from here: a missing required field was an error above.
    assert isinstance(insee, str) and date is not None and nights is not None and cost_cents is not None

    name, participates, edition_label = situations.commune_participation(insee, date)
    situation = engine.Situation(
        date=date,
        nights=nights,
        cost_cents=cost_cents,
        members=tuple(members),
        commune_insee=insee,
        commune_name=name,
        commune_participates=participates,
        edition_label=edition_label,
        travellers=travellers,
        annual_taxable_income_cents=income or 0,
        monthly_family_benefits_cents=benefits or 0,
        rfr_cents=rfr,
        tax_parts=parts,
        taxable=taxable,
        couple=couple,
        past_departures=tuple(past),
        format=fmt,
        lodging_cents=lodging_cents,
    )
    return Simulation(situation, tuple(chosen))


def _nights(errors: _Errors, data: Mapping, date: dt.date | None) -> int | None:
    """``nights``, or the nights between ``date`` and ``end_date``; both must then agree."""
    nights = None
    if data.get("nights") not in (None, ""):
        nights = _int(errors, data["nights"], "nights")
    end = _date(errors, data.get("end_date"), "end_date", required=False)
    if end is not None and date is not None:
        between = (end - date).days
        if between < 1:
            errors.add("end_date", "La date de retour doit suivre la date de départ.")
        elif nights is None:
            nights = between
        elif nights != between:
            errors.add(
                "end_date",
                f"Les dates comptent {between} nuit(s), le nombre de nuits en indique {nights}.",
            )
    if nights is None:
        if "nights" not in errors and "end_date" not in errors:
            errors.add("nights", MISSING)
        return None
    if nights < 1:
        errors.add("nights", "Un séjour compte au moins une nuit.")
        return None
    if nights > MAX_NIGHTS:
        errors.add("nights", f"Un séjour compte au plus {MAX_NIGHTS} nuits.")
        return None
    return nights


def _members(errors: _Errors, value: Any, date: dt.date | None) -> tuple[list[engine.MemberIn], bool]:
    """The members, and whether every row was valid."""
    field = "household.members"
    if value is None:
        errors.add(field, MISSING)
        return [], False
    if isinstance(value, list | tuple) and len(value) > MAX_MEMBERS:
        errors.add(field, f"Un foyer compte au plus {MAX_MEMBERS} personnes.")
        return [], False
    rows = _list(errors, value, field, MAX_MEMBERS)
    if rows is None:
        return [], False
    if not rows:
        errors.add(field, "Ajoutez au moins une personne au foyer.")
        return [], False
    members, seen = [], set()
    for i, row in enumerate(rows):
        prefix = f"{field}[{i}]"
        if not isinstance(row, Mapping):
            errors.add(prefix, "Objet JSON attendu.")
            continue
        errors_before = errors.found
        member_id = _id(row.get("id"))
        if member_id is None:
            errors.add(
                f"{prefix}.id",
                MISSING
                if row.get("id") in (None, "")
                else f"Identifiant invalide : texte ou nombre de {MAX_ID_LENGTH} caractères au plus.",
            )
        elif member_id in seen:
            errors.add(
                f"{prefix}.id", f"Identifiant « {member_id} » déjà utilisé par une autre personne du foyer."
            )
            member_id = None
        else:
            seen.add(member_id)
        birth = _date(errors, row.get("birth_date"), f"{prefix}.birth_date")
        if birth is not None:
            if birth.year < 1900:
                errors.add(f"{prefix}.birth_date", "La date de naissance est trop ancienne.")
                birth = None
            elif date is not None and birth > date:
                errors.add(f"{prefix}.birth_date", "La personne n'est pas encore née à la date du départ.")
                birth = None
        relation = row.get("relation")
        if relation in (None, ""):
            errors.add(f"{prefix}.relation", MISSING)
        elif not isinstance(relation, str) or relation not in RELATIONS:
            errors.add(f"{prefix}.relation", "Valeur inconnue : valeurs possibles adult, child.")
        status = row.get("status") or "other"
        if not isinstance(status, str) or status not in STATUSES:
            errors.add(f"{prefix}.status", f"Valeur inconnue : valeurs possibles {', '.join(STATUSES)}.")
        disabled = _bool(errors, row.get("disabled", False), f"{prefix}.disabled")
        label = row.get("label") or ""
        if not isinstance(label, str) or len(label) > 80:
            errors.add(f"{prefix}.label", "Texte de 80 caractères au plus attendu.")
            label = ""
        if errors.found == errors_before:
            assert member_id is not None and birth is not None and isinstance(relation, str)  # else an error
            members.append(
                engine.MemberIn(
                    id=member_id,
                    birth_date=birth,
                    relation=relation,
                    status=status,
                    disabled=bool(disabled),
                    label=label.strip(),
                )
            )
    complete = len(members) == len(rows)
    if complete and not any(m.relation == "adult" for m in members):
        errors.add(field, "Le foyer compte au moins un adulte (relation adult).")
    return members, complete


def _past_departures(
    errors: _Errors,
    value: Any,
    member_ids: set[str] | None,
    date: dt.date | None,
    definitions: Sequence[SchemeDefinition],
) -> list[engine.PastDepartureIn]:
    if value in (None, ""):
        return []
    field = "household.past_departures"
    rows = _list(errors, value, field, MAX_PAST_DEPARTURES)
    if rows is None:
        return []
    # A scheme slug, or the code past departures carry elsewhere in partez (depart1825, camping…).
    slugs = {d.slug for d in definitions} | set(catalogue.slugs())
    codes = {d.history_code: d.slug for d in definitions if d.history_code}
    out = []
    for i, row in enumerate(rows):
        prefix = f"{field}[{i}]"
        if not isinstance(row, Mapping):
            errors.add(prefix, "Objet JSON attendu.")
            continue
        person = _id(row.get("person"))
        shown = row.get("person")
        if shown in (None, ""):
            errors.add(f"{prefix}.person", MISSING)
        elif person is None or (member_ids is not None and person not in member_ids):
            errors.add(
                f"{prefix}.person",
                f"Personne inconnue : « {str(shown)[:MAX_ID_LENGTH]} » n'est pas dans household.members.",
            )
        year = None
        if row.get("year") in (None, ""):
            errors.add(f"{prefix}.year", MISSING)
        else:
            year = _int(errors, row["year"], f"{prefix}.year")
        last = date.year if date else LAST_YEAR
        if year is not None and not FIRST_PAST_YEAR <= year <= last:
            errors.add(f"{prefix}.year", f"Année d'un départ passé : entre {FIRST_PAST_YEAR} et {last}.")
            year = None
        scheme = row.get("scheme") or ""
        if not isinstance(scheme, str) or (
            scheme not in slugs and scheme not in codes and scheme not in OUTSIDE_SCHEMES
        ):
            errors.add(
                f"{prefix}.scheme",
                f"Dispositif inconnu : « {str(scheme)[:MAX_ID_LENGTH]} » (identifiants possibles : {_scheme_list(slugs)}, "
                "ou other pour un départ hors dispositif).",
            )
            continue
        if scheme in OUTSIDE_SCHEMES:
            slug = ""
        elif scheme in slugs:
            slug = scheme
        else:
            slug = codes[scheme]
        if person is not None and year is not None:
            out.append(engine.PastDepartureIn(person=person, year=year, scheme=slug))
    return out


def _travellers(errors: _Errors, value: Any, member_ids: set[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()  # every member
    rows = _list(errors, value, "travellers", MAX_MEMBERS)
    if rows is None:
        return ()
    if not rows:
        errors.add("travellers", "Au moins une personne du foyer part en vacances.")
        return ()
    ids = [_id(v) for v in rows]
    unknown = [
        str(raw)
        for raw, i in zip(rows, ids, strict=True)
        if i is None or (member_ids is not None and i not in member_ids)
    ]
    if unknown:
        errors.add(
            "travellers",
            f"Personne inconnue : {_quoted(unknown)} n'est pas dans household.members.",
        )
        return ()
    return tuple(dict.fromkeys(i for i in ids if i))
