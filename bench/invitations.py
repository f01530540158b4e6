"""`make bench-invitations`: one PDF invitation letter with its QR code for each of 5,000 households.

The letters are the job's (``partez.fete.letters``: house layout of ``partez.core.pdf``, the QR
drawn as vector rectangles), built from synthetic households (no database: what is measured is
the printing). Two ways side by side, each in its own process so its peak memory is its own:

- **combined**: one PDF of 5,000 pages written straight to disk (what the invitations job does);
- **per household**: one PDF file per household (what a « one letter per e-mail » design would do).

Prints seconds, pages per second, peak memory (the process's maximum resident set) and the
output size, and as its last line one JSON object with ``households``, ``seconds`` and
``peak_mb`` (of the combined file), plus the per-household figures. Aim: under 60 s and 500 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AIM_SECONDS = 60.0
AIM_MB = 500.0
FIRST = ["Claire", "Karim", "Sandrine", "Mohamed", "Julie", "Thierry", "Nadia", "Kévin", "Sophie", "Éric"]
COMMUNES = [
    "Lens",
    "Liévin",
    "Avion",
    "Méricourt",
    "Sallaumines",
    "Harnes",
    "Loos-en-Gohelle",
    "Bully-les-Mines",
]


def letters_for(n: int, seed: int = 2025):
    from partez.core import pdf
    from partez.fete import letters, services

    rng = random.Random(seed)
    for i in range(n):
        code = "".join(rng.choice(services.ALPHABET) for _ in range(services.CODE_LENGTH))
        commune = COMMUNES[i % len(COMMUNES)]
        rights = [f"Chèques-vacances : {rng.choice([150, 200, 250, 310, 400])},00 €"]
        if i % 7 == 0:
            rights.append("Séjour commun : convocation et documents")
        yield letters.Letter(
            code=services.display_code(code),
            qr_text=f"https://partez.example.org/fete/r/{code}/",
            to=pdf.PostalAddress(
                name=f"{rng.choice(FIRST)} {chr(65 + i % 26)}NOM",
                street=f"{1 + i % 120} rue des Écoles",
                postcode="62300",
                commune=commune,
            ),
            stand=f"Stand de {commune}",
            entitlements=rights,
            slot=f"{10 + i % 8} h – {11 + i % 8} h",
            people=1 + i % 5,
        )


def fete():
    from partez.fete import letters

    return letters.FeteInfo(
        name="Fête des vacances",
        year=2025,
        date=dt.date(2025, 6, 28),
        place="Stade Bollaert-Delelis",
        address="avenue Alfred-Maës, Lens",
        opens_at=dt.time(10),
        closes_at=dt.time(18),
        contact="Vacances Ouvertes : 03 21 00 00 00",
    )


def run_variant(variant: str, n: int) -> dict:
    """Inside a child process: print the letters, report seconds, peak memory and bytes."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from partez.fete import letters

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        if variant == "combined":
            path = Path(tmp) / "invitations.pdf"
            with path.open("wb") as out:
                letters.render(fete(), letters_for(n), output=out)
            size = path.stat().st_size
            files = 1
        else:
            size = files = 0
            info = fete()
            for i, letter in enumerate(letters_for(n)):
                path = Path(tmp) / f"invitation-{i}.pdf"
                with path.open("wb") as out:
                    letters.render(info, [letter], output=out)
                size += path.stat().st_size
                files += 1
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    return {
        "variant": variant,
        "households": n,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_mb, 1),
        "bytes": size,
        "files": files,
        "pages_per_second": round(n / seconds, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--variant", choices=["combined", "per-household"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.households)))
        return 0
    results = {}
    for variant in ("combined", "per-household"):
        print(f"{variant}: printing {args.households} letters…", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--variant", variant, "--households", str(args.households)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        results[variant] = json.loads(done.stdout.strip().splitlines()[-1])
    print()
    print(
        f"{'variant':16} {'households':>10} {'seconds':>8} {'pages/s':>8} {'peak MB':>8} {'files':>6} {'MB out':>7}"
    )
    for r in results.values():
        print(
            f"{r['variant']:16} {r['households']:>10} {r['seconds']:>8} {r['pages_per_second']:>8} "
            f"{r['peak_mb']:>8} {r['files']:>6} {r['bytes'] / 1e6:>7.1f}"
        )
    combined = results["combined"]
    met = combined["seconds"] < AIM_SECONDS and combined["peak_mb"] < AIM_MB
    print(
        f"aim < {AIM_SECONDS:.0f} s and < {AIM_MB:.0f} MB for the combined file: {'met' if met else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "households": combined["households"],
                "seconds": combined["seconds"],
                "peak_mb": combined["peak_mb"],
                "bytes": combined["bytes"],
                "per_household": {
                    k: results["per-household"][k] for k in ("seconds", "peak_mb", "bytes", "files")
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
