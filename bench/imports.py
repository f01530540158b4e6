"""`make bench-import`: a commune's file of 5,000 rows (one per person) imported end to end.

Builds a fresh SQLite database (or ``--database-url``), a CCAS and its referent, and a synthetic
file (invented names; households of one to six people; about 1 % of rows with an error), then
measures side by side in one run:

- **read only**: opening the XLSX and grouping its rows (the floor: no database);
- **preview (dry run)**: the same file checked against the database, nothing saved, as XLSX and
  as a French Excel CSV;
- **import**: confirm — every household created through ``households.services`` (the same checks,
  QF, consent, follow-up and audit as the form);
- **re-import**: the same file again, which must change nothing.

Prints each figure and, as its last line, one JSON object with ``rows`` and ``seconds`` (the
import) and the others. Aim: 5,000 rows in under 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "var" / "bench" / "imports.sqlite3"
sys.path.insert(0, str(ROOT))

AIM_SECONDS = 60.0
LAST = [
    "Lefebvre",
    "Dupont",
    "Caron",
    "Lemaire",
    "Dubois",
    "Martin",
    "Bernard",
    "Petit",
    "Roux",
    "Fontaine",
    "Moreau",
    "Leroy",
]
FIRST = [
    "Claire",
    "Karim",
    "Sandrine",
    "Mohamed",
    "Julie",
    "Thierry",
    "Nadia",
    "Kévin",
    "Sophie",
    "Éric",
    "Inès",
    "Yanis",
]
HEADERS = [
    "N° foyer",
    "NOM",
    "Prénom",
    "Date de naissance",
    "Lien",
    "Commune",
    "Adresse",
    "Téléphone",
    "N° allocataire",
    "Revenus imposables annuels",
    "Prestations familiales mensuelles",
]


def rows(n: int, seed: int = 7) -> list[list]:
    rng = random.Random(seed)
    out: list[list] = []
    key = 0
    while len(out) < n:
        key += 1
        size = rng.choice([1, 1, 2, 3, 4, 4, 5, 6])
        last = f"{rng.choice(LAST)}-{key}"
        for i in range(min(size, n - len(out))):
            relation = "Demandeur" if i == 0 else ("Conjoint" if i == 1 and size > 2 else "Enfant")
            year = 1950 + rng.randint(0, 40) if i < 2 else 2008 + rng.randint(0, 16)
            born = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))  # an Excel date cell
            row = [str(key), last, rng.choice(FIRST), born, relation, "", "", "", "", "", ""]
            if i == 0:
                row[5:] = [
                    "Lens",
                    f"{key} rue de l'Essai",
                    f"06 00 {key // 10000:02d} {key // 100 % 100:02d} {key % 100:02d}",
                    f"9{key:06d}",
                    str(rng.randint(5000, 30000)),
                    str(rng.randint(0, 600)),
                ]
            if rng.random() < 0.01:  # a typing error
                row[3] = "31/02/1990"
            out.append(row)
    return out


def xlsx(data: list[list]) -> bytes:
    from partez.core.spreadsheet import Workbook

    book = Workbook()
    sheet = book.create_sheet("Foyers")
    sheet.append(HEADERS)
    for r in data:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv(data: list[list]) -> bytes:
    lines = [";".join(HEADERS)] + [
        ";".join(v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else str(v) for v in r) for r in data
    ]
    return "\r\n".join(lines).encode("cp1252", errors="replace")


def setup(database_url: str | None):
    if database_url is None:
        SQLITE.parent.mkdir(parents=True, exist_ok=True)
        if SQLITE.exists():
            SQLITE.unlink()
        database_url = f"sqlite:///{SQLITE}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from partez.organisations.models import Membership, Organisation, OrganisationKind, Role
    from partez.territory.models import Commune
    from partez.users.models import User

    lens = Commune.objects.get(insee_code="62498")
    ccas = Organisation.objects.create(
        name="CCAS de Lens", slug="ccas-lens", kind=OrganisationKind.COMMUNE, commune=lens
    )
    user = User.objects.create_user(username="referente", email="referente@example.org", password="x")
    return Membership.objects.create(user=user, organisation=ccas, role=Role.COMMUNE_REFERENT)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - started, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    actor = setup(args.database_url)
    from django.db import connection, transaction

    from partez.imports import plan, reader, services

    data = rows(args.rows)
    content_xlsx, content_csv = xlsx(data), csv(data)

    def read_only():
        table = reader.read("foyers.xlsx", content_xlsx)
        batch = services.ImportBatch(headers=table.headers, rows=[[n, c] for n, c in table.rows], mapping={})
        return plan.group(
            services._rows(batch), communes=services._communes(), today=dt.date(2026, 12, 7), max_persons=12
        )

    def dry_run(name, content):
        with transaction.atomic():
            batch = services.batch_read(
                actor=actor,
                name=name,
                content=content,
                consent_scopes=["casework"],
                consent_collected_on=dt.date(2026, 1, 5),
            )
            result = services.report(services.preview(batch, actor))
            transaction.set_rollback(True)
        return result

    def apply():
        batch = services.batch_read(
            actor=actor,
            name="foyers.xlsx",
            content=content_xlsx,
            consent_scopes=["casework"],
            consent_collected_on=dt.date(2026, 1, 5),
        )
        return services.batch_apply(batch, actor)

    groups, read_s = timed(read_only)
    preview_xlsx, dry_xlsx_s = timed(lambda: dry_run("foyers.xlsx", content_xlsx))
    _, dry_csv_s = timed(lambda: dry_run("foyers.csv", content_csv))
    result, import_s = timed(apply)
    again, reimport_s = timed(lambda: dry_run("foyers.xlsx", content_xlsx))
    print(f"{args.rows} rows, {len(groups)} households in the file ({connection.vendor})")
    print(f"read only (XLSX, grouped):     {read_s:6.2f} s")
    print(
        f"preview, dry run (XLSX):       {dry_xlsx_s:6.2f} s  → {preview_xlsx['households_created']} to create, {preview_xlsx['rows_in_error']} rows in error"
    )
    print(f"preview, dry run (CSV cp1252): {dry_csv_s:6.2f} s")
    print(
        f"import:                        {import_s:6.2f} s  → {result['households_created']} households, {result['persons_created']} persons"
    )
    print(
        f"re-import preview:             {reimport_s:6.2f} s  → {again['households_created']} to create, {again['households_updated']} to update"
    )
    print(f"aim: under {AIM_SECONDS:.0f} s — {'met' if import_s < AIM_SECONDS else 'NOT met'}")
    print(
        json.dumps(
            {
                "rows": args.rows,
                "seconds": import_s,
                "households_created": result["households_created"],
                "persons_created": result["persons_created"],
                "rows_in_error": result["rows_in_error"],
                "read_only_seconds": read_s,
                "dry_run_xlsx_seconds": dry_xlsx_s,
                "dry_run_csv_seconds": dry_csv_s,
                "reimport_created": again["households_created"],
                "reimport_updated": again["households_updated"],
                "reimport_seconds": reimport_s,
                "database": connection.vendor,
                "aim_seconds": AIM_SECONDS,
            }
        )
    )
    return 0 if import_s < AIM_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
