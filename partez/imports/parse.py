"""Reading the cells of a commune's spreadsheet into typed values, in French, without the ORM.

Every function takes what a cell holds (text, a number, a date openpyxl already read) and returns
the value partez stores, or raises :class:`CellError` with the French message a social worker
reads in the preview. Headers are recognised the way people type them (« NOM », « Prénom »,
« N° allocataire »: accents, case and punctuation ignored)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from partez.core.text import normalise

# field → (label shown in messages and in the template, the headers recognised for it)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "household_key": ("N° foyer", ("n foyer", "no foyer", "numero foyer", "num foyer", "foyer", "id foyer")),
    "last_name": ("Nom", ("nom", "nom de famille", "nom d usage", "nom usage")),
    "first_name": ("Prénom", ("prenom", "prenoms")),
    "birth_date": ("Date de naissance", ("date de naissance", "date naissance", "ne le", "nee le", "ddn")),
    "relation": ("Lien", ("lien", "lien de parente", "lien avec le demandeur", "qualite")),
    "commune": ("Commune", ("commune", "ville", "commune de residence", "code insee", "insee")),
    "address": ("Adresse", ("adresse", "adresse postale", "rue")),
    "phone": ("Téléphone", ("telephone", "tel", "portable", "mobile", "n telephone")),
    "email": ("E-mail", ("e mail", "email", "courriel", "mail", "adresse e mail", "adresse mail")),
    "caf_number": (
        "N° allocataire CAF",
        ("n allocataire caf", "n allocataire", "numero allocataire", "numero allocataire caf", "allocataire"),
    ),
    "income": (
        "Revenus imposables annuels",
        (
            "revenus imposables annuels",
            "revenus imposables",
            "revenu imposable",
            "revenus annuels",
            "revenus",
        ),
    ),
    "benefits": (
        "Prestations familiales mensuelles",
        ("prestations familiales mensuelles", "prestations familiales", "prestations", "pf mensuelles"),
    ),
    "situation": ("Situation", ("situation", "situation professionnelle", "activite")),
}
REQUIRED = ("last_name", "first_name", "birth_date")
HOUSEHOLD_FIELDS = ("commune", "address", "phone", "email", "caf_number", "income", "benefits")

RELATIONS = {
    "head": ("demandeur", "demandeuse", "demandeur se", "chef de famille", "titulaire", "responsable", "d"),
    "spouse": ("conjoint", "conjointe", "conjoint e", "epoux", "epouse", "concubin", "concubine", "c"),
    "child": ("enfant", "fils", "fille", "e"),
    "other": ("autre", "autre personne", "parent", "grand parent", "a"),
}
SITUATIONS = {
    "employee": ("salarie", "salariee", "salarie e", "cdi", "cdd", "interim", "en emploi"),
    "retired": ("retraite", "retraitee", "retraite e"),
    "inactive": ("sans activite", "inactif", "inactive", "au foyer", "sans emploi"),
    "jobseeker": ("demandeur d emploi", "demandeuse d emploi", "chomage", "chomeur", "france travail"),
    "student": ("etudiant", "etudiante", "scolaire", "eleve", "etudiant boursier", "lyceen", "collegien"),
    "apprentice": ("apprenti", "apprentie", "alternant", "alternante", "apprentissage"),
    "civic_service": ("service civique", "contrat d engagement jeune", "cej"),
    "other": ("autre",),
}


class CellError(ValueError):
    """A cell that cannot be read: ``message`` in French."""


def header_key(text: object) -> str:
    """« N° Allocataire » → « n allocataire »: accents, case, punctuation and ° ignored."""
    value = normalise(str(text or "")).replace("°", " ").replace("º", " ")
    value = re.sub(r"[^a-z0-9]+", " ", value)
    return " ".join(value.split())


_ALIASES = {alias: field for field, (_label, aliases) in FIELDS.items() for alias in aliases}
_ALIASES |= {header_key(label): field for field, (label, _aliases) in FIELDS.items()}


def recognise(header: object, mapping: dict[str, str] | None = None) -> str | None:
    """The field a header stands for (a saved mapping first), or None."""
    key = header_key(header)
    if mapping and key in mapping:
        return mapping[key] or None
    return _ALIASES.get(key)


def label(field: str) -> str:
    return FIELDS[field][0]


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug built in)
_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$"), ("d", "m", "yy")),
)


def parse_date(value: object, *, today: dt.date) -> dt.date:
    """A birth date from an Excel date, an Excel serial number or a text (03/05/1987, 1987-05-03)."""
    if isinstance(value, dt.datetime):
        found = value.date()
    elif isinstance(value, dt.date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError("Date impossible.")
        found = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        raw = text(value)
        if not raw:
            raise CellError("La date de naissance est obligatoire.")
        if raw.isdigit() and len(raw) == 5:  # a serial number read as text (CSV)
            return parse_date(int(raw), today=today)
        for pattern, order in _DATE_PATTERNS:
            match = pattern.match(raw)
            if match:
                parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
                if "yy" in parts:  # 05/03/87: this century if not in the future, else the last
                    year = 2000 + parts["yy"]
                    parts["y"] = year if year <= today.year else year - 100
                try:
                    found = dt.date(parts["y"], parts["m"], parts["d"])
                except ValueError:
                    raise CellError(f"Date impossible : « {raw} ».") from None
                break
        else:
            raise CellError(f"Date illisible : « {raw} » (attendu JJ/MM/AAAA).")
    if found > today:
        raise CellError(f"La date de naissance ({found:%d/%m/%Y}) est dans le futur.")
    if found.year < 1900:
        raise CellError(f"Date impossible : {found:%d/%m/%Y}.")
    return found


def parse_phone(value: object) -> str:
    """A French phone number in any usual writing (06 12 34 56 78, 06.12.34.56.78, +33 6…,
    0033 6…, 612345678 when Excel dropped the 0) → E.164 (+33612345678); empty stays empty."""
    raw = text(value)
    if not raw:
        return ""
    digits = re.sub(r"[\s.\-/()]", "", raw)
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif len(digits) == 9 and digits.isdigit():
        digits = "0" + digits
    if digits.startswith("0(0)"):
        digits = "0" + digits[4:]
    if not (len(digits) == 10 and digits.isdigit() and digits[0] == "0" and digits[1] != "0"):
        raise CellError(f"Numéro de téléphone invalide : « {raw} » (10 chiffres, ex. 06 12 34 56 78).")
    return "+33" + digits[1:]


def parse_email(value: object) -> str:
    raw = text(value).lower()
    if raw and not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", raw):
        raise CellError(f"Adresse e-mail invalide : « {raw} ».")
    if len(raw) > 254:
        raise CellError("Adresse e-mail trop longue.")
    return raw


def parse_euros(value: object, *, what: str) -> int:
    """Euros (1 234,56 € / 1234.56 / a number) → cents; empty is 0; negative is refused."""
    if value is None or value == "":
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        raw = text(value).replace("€", "").replace("\u202f", "").replace(" ", "").replace("EUR", "")
        if raw.count(",") == 1 and raw.count(".") >= 1:  # 1.234,56
            raw = raw.replace(".", "")
        raw = raw.replace(",", ".")
        if not raw:
            return 0
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"{what} : montant illisible « {text(value)} ».") from None
    if amount < 0:
        raise CellError(f"{what} ne peuvent pas être négatifs.")
    cents = int((amount * 100).to_integral_value())
    if cents > 10**11:
        raise CellError(f"{what} : montant trop élevé.")
    return cents


def _choice(value: object, table: dict[str, tuple[str, ...]]) -> str | None:
    key = header_key(value)
    if not key:
        return None
    for code, words in table.items():
        if key in words or key == code:
            return code
    for code, words in table.items():  # « Conjointe (mariée) », « Enfant à charge »
        if any(len(w) > 2 and key.startswith(w) for w in words):
            return code
    return None


def parse_relation(value: object) -> str:
    found = _choice(value, RELATIONS)
    if found is None:
        if not text(value):
            raise CellError("Le lien est obligatoire (demandeur, conjoint, enfant ou autre).")
        raise CellError(f"Lien inconnu : « {text(value)} » (demandeur, conjoint, enfant ou autre).")
    return found


def parse_situation(value: object) -> str:
    if not text(value):
        return "other"
    found = _choice(value, SITUATIONS)
    if found is None:
        raise CellError(f"Situation inconnue : « {text(value)} ».")
    return found


def commune_key(value: object) -> str:
    """« Saint-Léger », « ST LEGER », « saint leger » → one key (Saint/St, hyphens, accents)."""
    key = header_key(value)
    key = re.sub(r"^(st|ste)\b", lambda m: "saint" if m.group(1) == "st" else "sainte", key)
    return key.replace(" ", "")


@dataclass(frozen=True)
class CommuneIndex:
    """The territory's communes by INSEE code and by name key."""

    by_insee: dict[str, str]  # insee → name
    by_name: dict[str, str]  # commune_key(name) → insee

    def resolve(self, value: object) -> str:
        raw = text(value)
        if not raw:
            raise CellError("La commune est obligatoire.")
        if raw.isdigit() and len(raw) == 5 and raw in self.by_insee:
            return raw
        insee = self.by_name.get(commune_key(raw))
        if insee is None:
            raise CellError(f"Commune inconnue : « {raw} » (une commune du territoire, ou son code INSEE).")
        return insee
