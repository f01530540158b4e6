"""Offers imported from the spreadsheets hosts and the ANCV send (CSV or XLSX): one line an offer.

Columns are recognised by their heading, accents, case and spaces aside (``COLUMNS``: the names
the catalogues use, with their variants). :func:`preview` reads the file and checks every line
with the same rules as the form (``services.offer_errors``), so the page shows each line's
French errors before anything is written; :func:`offers_import` then writes every valid line in
one transaction (all or nothing: a line that became invalid since the preview refuses the lot).
A site unknown to the importer is created from the line (name, commune, département, access).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.organisations.models import Membership
from partez.organisations.perms import sees_whole_territory

from . import perms, services
from .models import OfferKind, Period, Site, UnitKind

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
COLUMNS = {
    "kind": ["type", "type d'offre", "dispositif"],
    "site": ["site", "nom du site", "etablissement", "hebergement (nom)"],
    "commune": ["commune", "ville", "localite"],
    "department": ["departement", "dept", "dep"],
    "period": ["periode", "code periode", "semaine"],
    "arrival": ["arrivee", "date d'arrivee", "debut"],
    "unit_kind": ["hebergement", "type d'hebergement", "logement"],
    "beds": ["lits", "couchages", "capacite"],
    "accessible": ["accessible", "pmr", "accessible pmr"],
    "without_car": ["sans voiture", "accessible sans voiture", "train", "transports en commun"],
    "public_price": ["prix public", "tarif public"],
    "solidarity_price": ["prix solidaire", "tarif solidaire", "prix bsv"],
    "conditions": ["conditions", "remarques"],
}
REQUIRED = ["kind", "site", "commune", "department", "unit_kind", "beds"]
KINDS = {"bsv": OfferKind.BSV, "bourse solidarite vacances": OfferKind.BSV, "don": OfferKind.DONATED}
KINDS |= {"donated": OfferKind.DONATED, "semaine donnee": OfferKind.DONATED, "je pars": OfferKind.DONATED}
UNITS = {_k: _v for _v, _label in UnitKind.choices for _k in (_v, _label.split(" ")[0].lower())}
UNITS |= {
    "mobil-home": UnitKind.MOBILE_HOME,
    "mobilhome": UnitKind.MOBILE_HOME,
    "appartement": UnitKind.APARTMENT,
}
YES = {"oui", "o", "x", "1", "vrai", "yes", "true"}


def _key(text: Any) -> str:
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("_", " ").split())


HEADINGS = {_key(alias): name for name, aliases in COLUMNS.items() for alias in [name, *aliases]}


@dataclass
class Line:
    number: int  # the line in the file (the heading is line 1)
    values: dict[str, Any] = field(default_factory=dict)  # what services.OfferInput and the site need
    errors: dict[str, str] = field(default_factory=dict)


def read(name: str, content: bytes) -> list[dict[str, Any]]:
    """The file's lines as {column: raw value}; DomainError naming the file when unreadable."""
    if len(content) > MAX_BYTES:
        raise DomainError("Fichier trop lourd (2 Mo au plus).", field="file")
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise DomainError("Fichier XLSX illisible.", field="file") from exc
    elif name.lower().endswith(".csv"):
        text = content.decode("utf-8-sig", errors="replace")
        dialect = csv.Sniffer().sniff(text[:2000], delimiters=";,\t") if text.strip() else csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
    else:
        raise DomainError("Format non reconnu : envoyez un fichier .csv ou .xlsx.", field="file")
    if not rows:
        raise DomainError("Le fichier est vide.", field="file")
    columns = [HEADINGS.get(_key(h)) for h in rows[0]]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise DomainError(f"Colonnes manquantes : {', '.join(missing)}.", field="file")
    body = [r for r in rows[1:] if any(v not in (None, "") for v in r)]
    if len(body) > MAX_ROWS:
        raise DomainError(f"{len(body)} lignes : {MAX_ROWS} au plus par fichier.", field="file")
    return [{c: v for c, v in zip(columns, r, strict=False) if c} for r in body]


def _cents(raw: Any, errors: dict[str, str], name: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace("€", "").replace(" ", "").replace("\u202f", "").replace(",", "."))
    except InvalidOperation:
        errors[name] = f"Montant illisible : « {raw} »."
        return None
    return int((value * 100).to_integral_value())


def _line(actor: Membership, number: int, raw: dict[str, Any], periods: dict[str, Period]) -> Line:
    errors: dict[str, str] = {}
    kind = KINDS.get(_key(raw.get("kind")))
    if kind is None:
        errors["kind"] = f"Type inconnu : « {raw.get('kind')} » (BSV ou don)."
    unit = UNITS.get(_key(raw.get("unit_kind")))
    if unit is None:
        errors["unit_kind"] = f"Hébergement inconnu : « {raw.get('unit_kind')} »."
    try:
        beds: int | None = int(str(raw.get("beds")).strip())
    except ValueError:
        beds, errors["beds"] = None, f"Nombre de lits illisible : « {raw.get('beds')} »."
    period = periods.get(_key(raw.get("period"))) or periods.get(_key(raw.get("arrival")))
    if period is None:
        errors["period"] = "Période inconnue : donnez son code ou sa date d'arrivée (JJ/MM/AAAA)."
    site = {
        "name": str(raw.get("site") or "").strip()[:150],
        "commune": str(raw.get("commune") or "").strip()[:120],
        "department": str(raw.get("department") or "").strip().upper()[:3],
        "accessible": _key(raw.get("accessible")) in YES,
        "reachable_without_car": _key(raw.get("without_car")) in YES,
    }
    if not site["name"] or not site["commune"] or not site["department"]:
        errors["site"] = "Nom du site, commune et département sont obligatoires."
    values = {
        "site": site,
        "kind": kind or "",
        "period_id": period.pk if period else None,
        "unit_kind": unit or "",
        "beds": beds,
        "accessible": site["accessible"],
        "public_price_cents": _cents(raw.get("public_price"), errors, "public_price_cents") or 0,
        "solidarity_price_cents": _cents(raw.get("solidarity_price"), errors, "solidarity_price_cents"),
        "conditions": str(raw.get("conditions") or "").strip()[:500],
    }
    if not errors:
        existing = _sites(actor).filter(name=site["name"], commune=site["commune"]).first()
        data = _input(values, existing.pk if existing else None)
        _site, _period, problems = services.offer_errors(actor, data)
        problems.pop("site", None)  # a new site is created by the import
        errors |= problems
    return Line(number=number, values=values, errors=errors)


def _sites(actor: Membership) -> QuerySet[Site]:
    return Site.objects.all() if sees_whole_territory(actor) else Site.objects.filter(host=actor.organisation)


def _input(values: dict[str, Any], site_id: int | None) -> services.OfferInput:
    return services.OfferInput(
        **{k: v for k, v in values.items() if k != "site"}, site_id=site_id, option_days=None
    )


def preview(*, actor: Membership, name: str, content: bytes, edition_id: int) -> list[Line]:
    """Every line of the file checked, nothing written."""
    if not perms.can_manage_offers(actor):
        raise NotAllowed("Votre rôle ne permet pas d'importer des offres.")
    periods: dict[str, Period] = {}
    for p in Period.objects.filter(edition_id=edition_id):
        periods[_key(p.code)] = p
        periods.setdefault(_key(f"{p.start_date:%d/%m/%Y}"), p)
        periods.setdefault(_key(p.start_date.isoformat()), p)
    return [_line(actor, i, raw, periods) for i, raw in enumerate(read(name, content), start=2)]


def offers_import(*, actor: Membership, lines: list[dict[str, Any]]) -> int:
    """Write the previewed valid lines (``asdict`` of :class:`Line`), all or none."""
    if not perms.can_manage_offers(actor):
        raise NotAllowed("Votre rôle ne permet pas d'importer des offres.")
    valid = [line for line in lines if not line["errors"]]
    if not valid:
        raise DomainError("Aucune ligne valide à importer.", field="file")
    with transaction.atomic():
        for line in valid:
            site_values = line["values"]["site"]
            site, _ = _sites(actor).get_or_create(
                name=site_values["name"],
                commune=site_values["commune"],
                defaults={
                    **site_values,
                    "host": None if sees_whole_territory(actor) else actor.organisation,
                },
            )
            try:
                services.offer_save(actor=actor, data=_input(line["values"], site.pk))
            except DomainError as exc:
                raise DomainError(f"Ligne {line['number']} : {exc.message}", field="file") from exc
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="offers.import",
            obj=actor.organisation,
            changes={"offers": len(valid)},
        )
    return len(valid)


def serialise(lines: list[Line]) -> list[dict[str, Any]]:
    return [asdict(line) for line in lines]
