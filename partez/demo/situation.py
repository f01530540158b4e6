"""The demo households' situation beyond their income: minima sociaux, mobility, a child's
schooling. Drawn from a generator of their own, seeded by the household's reference, so the
demo stays deterministic and every figure drawn before these fields existed is unchanged."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from partez.households.models import EmploymentSituation, MinimumBenefit, Mobility, Schooling


def schooling(person_age: int, employment: str) -> str:
    """A child of 3 to 17 goes to school; a student of 18 or more is in higher education."""
    if 3 <= person_age < 18:
        return Schooling.AT_SCHOOL
    if employment == EmploymentSituation.STUDENT:
        return Schooling.STUDENT
    return Schooling.NOT_AT_SCHOOL


def situation(
    reference: str, members: list[Any], qf_cents: int | None, _age: Callable[[dt.date], int]
) -> dict[str, Any]:
    """``minimum_benefits``, ``mobility`` and ``mobility_note`` of a household (its head first),
    ages taken by ``_age`` (the demo's reference date)."""
    rng = random.Random(f"situation:{reference}")
    head = members[0]
    benefits: list[str] = []
    low = qf_cents is not None and qf_cents < 60_000
    if low and head.employment in (EmploymentSituation.INACTIVE, EmploymentSituation.JOBSEEKER):
        benefits.append(MinimumBenefit.RSA if rng.random() < 0.7 else MinimumBenefit.ASS)
    elif low and rng.random() < 0.25:
        benefits.append(MinimumBenefit.RSA)
    if any(p.has_disability and _age(p.birth_date) >= 20 for p in members) and rng.random() < 0.6:
        benefits.append(MinimumBenefit.AAH)
    if _age(head.birth_date) >= 65 and low and rng.random() < 0.4:
        benefits.append(MinimumBenefit.ASPA)
    constrained = _age(head.birth_date) >= 70 or low
    mobility = rng.choices(
        [Mobility.CAR, Mobility.LICENCE_NO_CAR, Mobility.NONE, ""],
        weights=[40, 15, 35, 10] if constrained else [62, 15, 15, 8],
    )[0]
    note = ""
    if mobility == Mobility.NONE and rng.random() < 0.3:
        note = rng.choice(["Transports en commun seulement", "Besoin d'un accompagnement jusqu'à la gare"])
    return {"minimum_benefits": [str(b) for b in benefits], "mobility": str(mobility), "mobility_note": note}
