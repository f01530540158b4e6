"""make bench-rules — eligibility and financing plan for every household of the demo edition.

What it measures, side by side in one run:

* **ours**: ``engine.evaluate`` (all nine schemes, every criterion explained, the best plan and
  three alternatives) for every household of the demo edition: the household's latest project
  of the edition, or, for a household without one, a standard stay (7 nights from the second
  Saturday of July, individual format, 200 € + 120 € per person). Loading is timed apart: the
  bulk loader (``situations.from_projects``, a fixed number of queries) against the naive
  one-project-at-a-time loader on a sample (the baseline).
* **the peer**: openfisca-france's ``depart1825_eligibilite`` / ``depart1825_montant_maximum``
  on the same persons (everyone in those households, with the household's RFR and tax parts and
  the stay's date), run in its own venv (``make openfisca``), against our Départ 18:25 alone on
  the same persons. Its answers are compared with ours (``partez.schemes.crosscheck``).

Medians of ``--runs`` runs. The last line is one JSON object.

Usage
    make bench-rules
    .venv/bin/python bench/rules.py --runs 5 --skip-openfisca
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OPENFISCA_PYTHON = ROOT / ".venv-openfisca" / "bin" / "python"
AIM_SECONDS = 2.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)


def second_saturday_of_july(year: int) -> dt.date:
    day = dt.date(year, 7, 1)
    day += dt.timedelta(days=(5 - day.weekday()) % 7)
    return day + dt.timedelta(days=7)


def build_situations():
    """One situation per household of the demo edition, in bulk; the loading time."""
    from partez.households.models import Household
    from partez.projects.models import Project
    from partez.schemes import engine, situations
    from partez.territory.selectors import current_edition

    edition = current_edition()
    started = time.perf_counter()
    latest: dict[int, int] = {}
    for pk, household_id in (
        Project.objects.filter(edition=edition, start_date__isnull=False, end_date__isnull=False)
        .order_by("household_id", "-created_at", "-id")
        .values_list("pk", "household_id")
    ):
        latest.setdefault(household_id, pk)
    by_project = situations.from_projects(Project.objects.filter(pk__in=latest.values()))
    result = [by_project[pk] for pk in latest.values()]
    participating = set(edition.communes.values_list("pk", flat=True))
    start = second_saturday_of_july(edition.year)
    # The demo has one edition: every household belongs to it.
    others = (
        Household.objects.exclude(pk__in=list(latest)).select_related("commune").prefetch_related("persons")
    )
    for household in others:
        persons = list(household.persons.all())
        if not persons:
            continue
        result.append(
            engine.Situation(
                date=start,
                nights=7,
                cost_cents=20_000 + 12_000 * len(persons),
                members=situations.members_of(persons),
                commune_insee=household.commune.insee_code,
                commune_name=household.commune.name,
                commune_participates=household.commune_id in participating,
                edition_label=f"l'édition {edition.year}",
                annual_taxable_income_cents=household.annual_taxable_income_cents,
                monthly_family_benefits_cents=household.monthly_family_benefits_cents,
                rfr_cents=household.rfr_cents,
                tax_parts=household.tax_parts,
                taxable=household.is_taxable,
                format="individual",
            )
        )
    return result, time.perf_counter() - started, list(latest.values())


def naive_loading(project_ids: list[int], sample: int) -> float:
    """Seconds per project when each project is loaded on its own (the baseline)."""
    from partez.projects.models import Project
    from partez.schemes import situations

    ids = project_ids[:sample]
    started = time.perf_counter()
    for project in Project.objects.filter(pk__in=ids):
        situations.from_project(project)
    return (time.perf_counter() - started) / max(len(ids), 1)


def time_ours(all_situations, definitions, runs: int, *, explain: bool = True) -> tuple[list[float], dict]:
    """Seconds per run for every situation; the evaluations are not kept (as a page or a job
    would use them and let them go), so the figure is not a measure of Python's memory."""
    from partez.schemes import engine

    times = []
    stats = {"eligible_lines": 0, "with_plan": 0, "total_aid_cents": 0}
    for run in range(runs):
        started = time.perf_counter()
        for s in all_situations:
            e = engine.evaluate(s, definitions, explain=explain)
            if run == 0:
                stats["eligible_lines"] += sum(1 for r in e.schemes if r.eligible)
                stats["with_plan"] += 1 if e.plan.lines else 0
                stats["total_aid_cents"] += e.plan.total_aid_cents
        times.append(time.perf_counter() - started)
    return times, stats


def peer_persons(all_situations) -> list[dict]:
    persons = []
    for s in all_situations:
        travellers = s.traveller_members()
        for m in travellers:
            persons.append(
                {
                    "id": f"{m.id}-{len(persons)}",
                    "date": s.date.isoformat(),
                    "birth_date": m.birth_date.isoformat(),
                    "rfr_cents": s.rfr_cents or 0,
                    "tax_parts": str(s.tax_parts or 1),
                    "status": m.status,
                    "cost_cents": max(s.cost_cents // max(len(travellers), 1), 1),
                }
            )
    return persons


def time_ours_depart1825(persons: list[dict], runs: int, *, explain: bool) -> list[float]:
    """Our Départ 18:25 alone on the peer's persons; ``explain=False`` is the same work as
    openfisca's (verdict and amount, no explanation)."""
    from partez.schemes import crosscheck, engine

    d = crosscheck.definition()
    situations = [crosscheck.situation(p, dt.date.fromisoformat(p["date"]).replace(day=1)) for p in persons]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for s in situations:
            engine.evaluate_scheme(d, s, None, explain=explain)
        times.append(time.perf_counter() - started)
    return times


def run_openfisca(persons: list[dict], runs: int) -> dict | None:
    if not OPENFISCA_PYTHON.exists():
        print("openfisca : .venv-openfisca absent (make openfisca) — comparaison sautée", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.json"
        source.write_text(json.dumps({"persons": persons}), encoding="utf-8")
        seconds, warm, answers = [], [], None
        for _ in range(runs):
            target = Path(tmp) / "out.json"
            subprocess.run(
                [
                    str(OPENFISCA_PYTHON),
                    str(ROOT / "bench/openfisca/depart1825.py"),
                    str(source),
                    str(target),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            out = json.loads(target.read_text(encoding="utf-8"))
            seconds.append(out["seconds"])
            warm.append(out.get("seconds_warm", out["seconds"]))
            answers = out["persons"]
    return {"seconds": seconds, "seconds_warm": warm, "answers": {a["id"]: a for a in answers}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-sample", type=int, default=200)
    parser.add_argument("--skip-openfisca", action="store_true")
    args = parser.parse_args()

    setup_django()
    from partez.schemes import crosscheck, selectors

    definitions = selectors.definitions()
    all_situations, load_seconds, project_ids = build_situations()
    households = len(all_situations)
    persons_count = sum(len(s.members) for s in all_situations)
    naive = naive_loading(project_ids, args.naive_sample)
    times, stats = time_ours(all_situations, definitions, args.runs)
    seconds = statistics.median(times)
    batch_times, batch_stats = time_ours(all_situations, definitions, args.runs, explain=False)
    batch_seconds = statistics.median(batch_times)
    assert batch_stats == stats  # the batch mode gives the same verdicts and plans

    persons = peer_persons(all_situations)
    ours_1825 = statistics.median(time_ours_depart1825(persons, args.runs, explain=False))
    ours_1825_explained = statistics.median(time_ours_depart1825(persons, args.runs, explain=True))
    peer = None if args.skip_openfisca else run_openfisca(persons, max(1, min(args.runs, 3)))
    comparison = crosscheck.compare(persons, peer["answers"]) if peer else None

    print(f"Foyers : {households} · personnes : {persons_count} · dispositifs : {len(definitions)}")
    print(f"{'mesure':58} {'médiane':>10}")
    print(f"{'chargement groupé (from_projects + foyers sans projet)':58} {load_seconds:>9.2f}s")
    print(f"{'chargement projet par projet (base), extrapolé':58} {naive * len(project_ids):>9.2f}s")
    print(f"{'éligibilité + plan, tous les foyers (ours)':58} {seconds:>9.2f}s")
    print(f"{'  soit foyers par seconde':58} {households / seconds:>10.0f}")
    print(f"{'même calcul en mode lot (verdicts et montants seuls)':58} {batch_seconds:>9.2f}s")
    print(f"{f'Départ 18:25 seul, {len(persons)} personnes (ours, lot)':58} {ours_1825:>9.3f}s")
    print(f"{'  avec les explications':58} {ours_1825_explained:>9.3f}s")
    openfisca_seconds = openfisca_warm = ratio = ratio_warm = None
    if peer:
        openfisca_seconds = statistics.median(peer["seconds"])
        openfisca_warm = statistics.median(peer["seconds_warm"])
        ratio = openfisca_seconds / ours_1825
        ratio_warm = openfisca_warm / ours_1825
        print(f"{'Départ 18:25, mêmes personnes (openfisca-france)':58} {openfisca_seconds:>9.3f}s")
        print(f"{'  openfisca, paramètres déjà en cache':58} {openfisca_warm:>9.3f}s")
        print(f"Rapport openfisca / nous : {ratio:.1f} (à froid), {ratio_warm:.1f} (cache chaud)")
        print(
            f"Accord avec openfisca : {comparison.agree}/{comparison.persons} identiques, "
            f"{len(comparison.explained)} écarts dus à l'âge arrondi d'openfisca, "
            f"{len(comparison.unexplained)} inexpliqués"
        )
    print(
        f"Objectif : toute l'édition en moins de {AIM_SECONDS:.0f} s — {'atteint' if seconds < AIM_SECONDS else 'manqué'}"
    )
    print(
        json.dumps(
            {
                "households": households,
                "persons": persons_count,
                "schemes": len(definitions),
                "seconds": round(seconds, 3),
                "runs": args.runs,
                "households_per_second": round(households / seconds, 1),
                "batch_seconds": round(batch_seconds, 3),
                "total_aid_cents": stats["total_aid_cents"],
                "load_seconds": round(load_seconds, 3),
                "naive_load_seconds": round(naive * len(project_ids), 3),
                "plans_with_aid": stats["with_plan"],
                "peer_persons": len(persons),
                "ours_depart1825_seconds": round(ours_1825, 4),
                "ours_depart1825_explained_seconds": round(ours_1825_explained, 4),
                "openfisca_seconds": None if openfisca_seconds is None else round(openfisca_seconds, 3),
                "openfisca_warm_seconds": None if openfisca_warm is None else round(openfisca_warm, 3),
                "ratio_vs_openfisca": None if ratio is None else round(ratio, 1),
                "ratio_vs_openfisca_warm": None if ratio_warm is None else round(ratio_warm, 1),
                "openfisca_agree": None if comparison is None else comparison.agree,
                "openfisca_explained": None if comparison is None else len(comparison.explained),
                "openfisca_unexplained": None if comparison is None else len(comparison.unexplained),
                "aim_seconds": AIM_SECONDS,
            }
        )
    )


if __name__ == "__main__":
    main()
