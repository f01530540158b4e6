"""The table-driven cases of a scheme, run against a definition and told in French (pure: no ORM).

The catalogue ships cases beside each scheme (``catalogue/<slug>.cases.yaml``); the scheme page
runs them against the definition in force, so the coordination sees at once which expectation a
change of the rules breaks. A case passes as in ``tests/schemes/test_catalogue_cases.py``: same
verdict, same aid when one is expected, and every expected failed criterion among the failed ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import engine
from .definition import STATUSES, SchemeDefinition
from .describe import money


@dataclass(frozen=True)
class CaseRun:
    name: str
    situation: str  # the case's situation, in French
    expected: str
    actual: str
    passed: bool
    computation: tuple[str, ...]


def _verdict(eligible: bool, aid_cents: int | None, failed: list[str]) -> str:
    if eligible:
        return "éligible" + (f", {money(aid_cents)}" if aid_cents is not None else "")
    return "non éligible" + (f" ({', '.join(failed)})" if failed else "")


def situation_text(s: engine.Situation, names: dict[str, str] | None = None) -> str:
    """« Départ le 01/07/2026, 5 nuits, coût 400 € ; 1 personne : 20 ans (salarié·e) ; RFR … »."""
    names = names or {}
    parts = [
        f"Départ le {s.date:%d/%m/%Y}, {s.nights} nuit{'s' if s.nights > 1 else ''}, coût {money(s.cost_cents)}"
    ]
    if s.format:
        parts.append(f"format : {engine.FORMAT_LABELS.get(s.format, s.format)}")
    people = []
    for m in s.members:
        age = engine.age_on(m, s.date)
        text = f"{m.name} : {'enfant, ' if m.relation == 'child' else ''}{age} ans"
        details = [STATUSES[m.status]] if m.relation != "child" and m.status in STATUSES else []
        if m.disabled:
            details.append("en situation de handicap")
        people.append(text + (f" ({', '.join(details)})" if details else ""))
    count = len(s.members)
    parts.append(f"{count} personne{'s' if count > 1 else ''} : {' ; '.join(people)}")
    if s.travellers:
        parts.append(f"qui partent : {', '.join(s.travellers)}")
    if s.rfr_cents is not None:
        tax_parts = f"{s.tax_parts.normalize():f}".replace(".", ",") if s.tax_parts else "1"
        plural = "s" if (s.tax_parts or 1) > 1 else ""
        parts.append(
            f"revenu fiscal de référence {money(s.rfr_cents)} ({tax_parts} part{plural} fiscale{plural})"
        )
    if s.qf_cents is not None:
        parts.append(f"quotient familial {money(s.qf_cents)}")
    elif s.annual_taxable_income_cents or s.monthly_family_benefits_cents:
        text = f"revenus imposables {money(s.annual_taxable_income_cents)} par an"
        if s.monthly_family_benefits_cents:
            text += f", prestations familiales {money(s.monthly_family_benefits_cents)} par mois"
        parts.append(text)
    if s.taxable is not None:
        parts.append("imposable" if s.taxable else "non imposable")
    if s.commune_participates is True:
        parts.append("commune participant à l'édition")
    elif s.commune_participates is False:
        parts.append("commune ne participant pas à l'édition")
    for p in s.past_departures:
        scheme = names.get(p.scheme, p.scheme) if p.scheme else "hors dispositif"
        parts.append(f"départ passé de {p.person} en {p.year} ({scheme})")
    return " ; ".join(parts)


def run_case(d: SchemeDefinition, case: dict, names: dict[str, str] | None = None) -> CaseRun:
    """Run one case (``{name, situation, expect}``) against ``d``."""
    situation = engine.situation_from_dict(case["situation"])
    result = engine.evaluate(situation, [d]).schemes[0]
    expect = case.get("expect") or {}
    failed = [c.label for c in result.failed]
    expected_failed = list(expect.get("failed", []))
    passed = result.eligible is bool(expect.get("eligible"))
    if "aid_cents" in expect:
        passed &= result.aid_cents == expect["aid_cents"]
    passed &= all(label in failed for label in expected_failed)
    return CaseRun(
        name=str(case.get("name", "")),
        situation=situation_text(situation, names),
        expected=_verdict(bool(expect.get("eligible")), expect.get("aid_cents"), expected_failed),
        actual=_verdict(result.eligible, result.aid_cents if result.eligible else None, failed),
        passed=passed,
        computation=result.computation,
    )


def run_cases(d: SchemeDefinition, cases: list[dict], names: dict[str, str] | None = None) -> list[CaseRun]:
    return [run_case(d, case, names) for case in cases]
