"""The project page's financing block."""

from __future__ import annotations

from partez.funding import selectors, services
from partez.organisations import perms

_UNREAD = object()


def financing_context(m, project, evaluation, plan=_UNREAD) -> dict:
    """What ``projects/_financing.html`` needs: the saved plan in force, and the proposed plans
    (best first) with the envelopes that cannot pay them today."""
    options = []
    if evaluation is not None:
        # the index is the plan's place in [plan, *alternatives], as the service expects
        indexed = [(i, p) for i, p in enumerate([evaluation.plan, *evaluation.alternatives]) if p.lines]
        found = selectors.shortages(
            [p for _i, p in indexed], edition_id=project.edition_id, commune_id=project.household.commune_id
        )
        options = [
            {"index": i, "plan": plan, "schemes": ",".join(plan.schemes), "shortages": short}
            for (i, plan), short in zip(indexed, found, strict=True)
        ]
    if plan is _UNREAD:  # the page may have read it already
        plan = selectors.current_plan(project)
    return {
        "financing": {
            "plan": plan,
            "options": options,
            "can_choose": perms.can_choose_plan(m) and project.status in services.CHOOSABLE,
            "current_schemes": ",".join(line.scheme.slug for line in plan.lines.all()) if plan else None,
        }
    }
