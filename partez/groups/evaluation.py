"""From the database to :func:`rules.evaluate` (reads only, a fixed number of queries): the
persons' past departures and their other live groups, the relay's declared training, the cost."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from partez.core.errors import DomainError
from partez.households.models import PastDeparture, Person
from partez.network import selectors as network_selectors
from partez.network.models import Skill as NetworkSkill
from partez.organisations.models import Organisation
from partez.schemes import engine
from partez.schemes import selectors as scheme_selectors
from partez.schemes.definition import SchemeDefinition
from partez.schemes.situations import members_of

from . import rules
from .models import Group, Member, RelayApproval, Role, Scheme, Status

LIVE = [Status.DRAFT, Status.SUBMITTED, Status.REWORK, Status.ACCEPTED]


def definition(scheme: str) -> SchemeDefinition:
    found = scheme_selectors.definitions(slugs=[scheme], include_inactive=True)
    if not found:
        raise DomainError(f"Le dispositif {scheme} n'est pas au catalogue.", field="scheme")
    return found[0]


def _candidates(
    persons: Sequence[Person], roles: dict[int, str], group: Group | None, on: dt.date
) -> list[rules.Candidate]:
    """The rules' view of these persons: their own past departures and their other live groups."""
    ids = [p.pk for p in persons]
    codes = scheme_selectors.history_codes()
    past: dict[int, list[engine.PastDepartureIn]] = defaultdict(list)
    for pid, year, code in PastDeparture.objects.filter(person_id__in=ids).values_list(
        "person_id", "year", "scheme"
    ):
        past[pid].append(engine.PastDepartureIn(person=str(pid), year=year, scheme=codes.get(code, "")))
    others = Member.objects.filter(person_id__in=ids, group__status__in=LIVE)
    if group is not None and group.pk:
        others = others.exclude(group=group)
    for pid, scheme, start in others.values_list("person_id", "group__scheme", "group__starts_on"):
        past[pid].append(engine.PastDepartureIn(person=str(pid), year=start.year, scheme=scheme))
    by_id = {m.id: m for m in members_of(persons)}
    return [
        rules.Candidate(
            member=by_id[str(p.pk)],
            household=str(p.household_id),
            role=roles.get(p.pk, Role.PARTICIPANT),
            taxable=p.household.is_taxable,
            qf_cents=p.household.qf_cents,
            past=tuple(past[p.pk]),
        )
        for p in persons
    ]


def approval_of(organisation: Organisation, scheme: str) -> RelayApproval | None:
    return RelayApproval.objects.filter(
        organisation=organisation, scheme=scheme, withdrawn_on__isnull=True
    ).first()


def cost_of(group: Group) -> int:
    if group.scheme == Scheme.SENIORS:
        return group.stay.price_cents if group.stay is not None else 0
    return sum(b.amount_cents for b in group.budget_lines.all() if b.is_expense)


def verdict_for(
    *,
    scheme: str,
    persons: Sequence[Person],
    starts_on: dt.date,
    ends_on: dt.date,
    roles: dict[int, str] | None = None,
    group: Group | None = None,
    cost_cents: int = 0,
    organisation: Organisation | None = None,
) -> rules.GroupVerdict:
    d = definition(scheme)
    trained = None
    if scheme == Scheme.SAC_ADOS and organisation is not None:
        approval = approval_of(organisation, scheme)
        declared = approval.trained_on if approval else None
        # a professional of the relay present at a Sac Ados training of the network (issue 17)
        attended = network_selectors.latest_training_on(organisation, NetworkSkill.SAC_ADOS, starts_on)
        trained = max((day for day in (declared, attended) if day is not None), default=None)
    g = rules.GroupIn(scheme=scheme, starts_on=starts_on, ends_on=ends_on, cost_cents=cost_cents)
    return rules.evaluate(g, _candidates(persons, roles or {}, group, starts_on), d, relay_trained_on=trained)


def group_verdict(group: Group) -> rules.GroupVerdict:
    """The group's verdict now, on its current members (the pages' group checks)."""
    members = list(group.members.select_related("person__household"))
    return verdict_for(
        scheme=group.scheme,
        persons=[m.person for m in members],
        roles={m.person_id: m.role for m in members},
        starts_on=group.starts_on,
        ends_on=group.ends_on,
        group=group,
        cost_cents=cost_of(group),
        organisation=group.organisation,
    )
