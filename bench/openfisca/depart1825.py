"""ANCV's "Départ 18:25" computed by openfisca-france's own variables (see README.md).

    .venv-openfisca/bin/python bench/openfisca/depart1825.py IN.json OUT.json

Persons are grouped by the calendar month of their stay (openfisca's depart1825_* variables are
MONTH variables); each month is one vectorised simulation with one person per entity (each person
is the sole member of their own foyer fiscal, famille and ménage). ``seconds`` covers building the
simulations, setting the inputs and calculating; the import and the construction of the
tax-benefit system are reported apart as ``setup_seconds``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict

T0 = time.perf_counter()
import numpy as np  # noqa: E402
from openfisca_core.errors import ParameterNotFoundError  # noqa: E402
from openfisca_core.periods import period as make_period  # noqa: E402
from openfisca_core.simulation_builder import SimulationBuilder  # noqa: E402
from openfisca_france import FranceTaxBenefitSystem  # noqa: E402

# Our status -> (activite, boursier, alternant, service_civique). garantie_jeunes is always 0:
# our statuses cannot tell a Garantie jeunes beneficiary apart (and openfisca has no CEJ route).
STATUS_INPUTS = {
    "employee": ("actif", False, False, False),
    "retired": ("retraite", False, False, False),
    "inactive": ("inactif", False, False, False),
    "jobseeker": ("chomeur", False, False, False),
    # ours is "étudiant·e boursier·e ou scolaire": openfisca only knows the grant-holding student
    "student": ("etudiant", True, False, False),
    "apprentice": ("actif", False, True, False),
    "civic_service": ("actif", False, False, True),
    "other": ("inactif", False, False, False),
}


def cents(values: np.ndarray) -> list[int]:
    return [round(float(v) * 100) for v in values]


def compute_month(tbs, month: str, persons: list[dict]) -> list[dict]:
    """One simulation for the persons whose stay starts in ``month`` (YYYY-MM)."""
    n = len(persons)
    period = make_period(month)
    tax_year = period.n_2  # the formula reads rfr and nbptr of year N-2
    inputs = [STATUS_INPUTS[p["status"]] for p in persons]
    sim = SimulationBuilder().build_default_simulation(tbs, n)
    sim.set_input(
        "date_naissance", "ETERNITY", np.array([p["birth_date"] for p in persons], dtype="datetime64[D]")
    )
    sim.set_input("activite", month, np.array([i[0] for i in inputs]))
    sim.set_input("boursier", month, np.array([i[1] for i in inputs]))
    sim.set_input("alternant", month, np.array([i[2] for i in inputs]))
    sim.set_input("service_civique", month, np.array([i[3] for i in inputs]))
    sim.set_input("service_civique", period.last_month, np.zeros(n, dtype=bool))
    sim.set_input("garantie_jeunes", month, np.zeros(n))  # set, so its own formula never runs
    sim.set_input("rfr", tax_year, np.array([p["rfr_cents"] / 100 for p in persons]))
    sim.set_input("nbptr", tax_year, np.array([float(p["tax_parts"]) for p in persons]))

    eligible = sim.calculate("depart1825_eligibilite", month)
    max_amount = sim.calculate("depart1825_montant_maximum", month)
    # The ceiling is no variable of its own: the formula's inline expression, on openfisca's
    # parameters and its nbptr, in the same float32 arithmetic.
    ceiling_p = tbs.get_parameters_at_instant(
        period
    ).prestations_sociales.education.depart1825.plafond_ressources
    nbptr = sim.calculate("nbptr", tax_year)
    ceiling = ceiling_p.base + 2 * np.maximum(0, nbptr - 1) * ceiling_p.par_demi_part_supplementaire

    return [
        {
            "id": p["id"],
            "eligible": bool(e),
            "ceiling_cents": c,
            "max_amount_cents": m,
            "aid_cents": None,  # openfisca-france has no variable for the aid given a cost
        }
        for p, e, c, m in zip(persons, eligible, cents(ceiling), cents(max_amount), strict=True)
    ]


def month_parameters(tbs, month: str) -> dict:
    """The depart1825 parameters openfisca applies to that month (read on its first day)."""
    p = tbs.get_parameters_at_instant(make_period(month)).prestations_sociales.education.depart1825
    return {
        "age_min": p.age.minimum,
        "age_max": p.age.maximum,
        "ceiling_base_cents": round(p.plafond_ressources.base * 100),
        "ceiling_per_half_part_cents": round(p.plafond_ressources.par_demi_part_supplementaire * 100),
        "max_amount_cents": round(p.montant_maximum * 100),
        "max_rate": p.proportion_maximum,  # unused by any formula
        "min_remaining_cents": round(p.reste_a_charge_minimum * 100),  # unused by any formula
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        persons = json.load(f)["persons"]
    tbs = FranceTaxBenefitSystem()
    setup_seconds = time.perf_counter() - T0

    by_month: dict[str, list[dict]] = defaultdict(list)
    for p in persons:
        by_month[p["date"][:7]].append(p)

    # Each month is computed twice: "seconds" sums the first runs, where openfisca builds its
    # whole parameter tree at the month's first day (most of the time); "seconds_warm" sums the
    # second runs, with that tree in its cache (an lru_cache of 128 instants: fewer than the
    # months of a full population, hence this month-by-month repeat).
    results: dict[str, dict] = {}
    errors: dict[str, str] = {}
    seconds = seconds_warm = 0.0
    for month, group in sorted(by_month.items()):
        start = time.perf_counter()
        try:
            rows = compute_month(tbs, month, group)
        except ParameterNotFoundError as exc:  # before the parameters' first date (2014-09-05)
            errors[month] = str(exc)
            continue
        middle = time.perf_counter()
        compute_month(tbs, month, group)
        seconds += middle - start
        seconds_warm += time.perf_counter() - middle
        results |= {row["id"]: row for row in rows}

    out_persons = []
    for p in persons:
        row = results.get(p["id"])
        if row is None:
            row = {"id": p["id"], "eligible": None, "ceiling_cents": None, "max_amount_cents": None}
            row |= {"aid_cents": None, "error": errors[p["date"][:7]]}
        out_persons.append(row)
    out = {
        "seconds": round(seconds, 4),
        "seconds_warm": round(seconds_warm, 4),
        "setup_seconds": round(setup_seconds, 4),
        "months": len(by_month),
        "openfisca_france": _version("OpenFisca-France"),
        "openfisca_core": _version("OpenFisca-Core"),
        "parameters_by_month": {m: month_parameters(tbs, m) for m in sorted(by_month) if m not in errors},
        "persons": out_persons,
    }
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
    print(
        f"{len(persons)} persons, {len(by_month)} months: {seconds:.3f} s computing, "
        f"{seconds_warm:.3f} s warm (setup {setup_seconds:.2f} s), {sum(bool(r['eligible']) for r in out_persons)} eligible, "
        f"{len(persons) - len(results)} not computable"
    )
    return 0


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
