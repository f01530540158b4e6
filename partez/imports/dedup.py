"""Finding the same family twice across the territory. Pure: households described as plain data
in, candidate pairs with a score and their reasons in French out.

A cascade, household-aware (members are compared, not only heads):

1. the same CAF number and the same head's birth date (score 100);
2. a person in both households with the same normalised name and birth date (80; 90 when two
   or more are), or the same first name and birth date under another surname — a maiden or
   usage name — when the households also share an address, a phone or an e-mail (70);
3. the same phone or e-mail *and* a person with the same first name and birth date (60): a
   phone shared by two households whose people differ (a couple that separated, a mother and
   her grown-up son) is not a duplicate.

Blocking keys keep the work near-linear: pairs are only compared inside a block."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

MAX_BLOCK = 50  # a key shared by more households than this says nothing (a CCAS's phone number)


@dataclass(frozen=True)
class Member:
    last: str  # normalised (lower case, no accents)
    first: str
    birth: dt.date
    is_head: bool = False


@dataclass(frozen=True)
class HouseholdFacts:
    id: int
    members: tuple[Member, ...]
    caf_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""  # normalised

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.is_head), None)


@dataclass
class Candidate:
    a: int
    b: int
    score: int
    reasons: list[str] = field(default_factory=list)


def _born(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def compare(x: HouseholdFacts, y: HouseholdFacts) -> Candidate | None:
    """The pair's score and reasons, or None when nothing says they are one family."""
    reasons: list[str] = []
    score = 0
    hx, hy = x.head, y.head
    if x.caf_number and x.caf_number == y.caf_number and hx and hy and hx.birth == hy.birth:
        score = 100
        reasons.append(f"même n° allocataire ({x.caf_number}) et même date de naissance du demandeur")
    same_people = [
        m
        for m in x.members
        if any(m.last == n.last and m.first == n.first and m.birth == n.birth for n in y.members)
    ]
    if same_people:
        score = max(score, 90 if len(same_people) >= 2 else 80)
        names = ", ".join(f"{m.first.title()} {m.last.title()} ({_born(m.birth)})" for m in same_people[:3])
        reasons.append(
            f"{len(same_people)} personne{'s' if len(same_people) > 1 else ''} en commun : {names}"
        )
    shared = [
        label
        for label, vx, vy in (
            ("téléphone", x.phone, y.phone),
            ("e-mail", x.email, y.email),
            ("adresse", x.address, y.address),
        )
        if vx and vx == vy
    ]
    same_first = [
        m
        for m in x.members
        if m not in same_people and any(m.first == n.first and m.birth == n.birth for n in y.members)
    ]
    if same_first and shared:
        score = max(score, 70 if "adresse" in shared or len(shared) > 1 else 60)
        m = same_first[0]
        other = next(n for n in y.members if n.first == m.first and n.birth == m.birth)
        reasons.append(
            f"même prénom et même naissance ({m.first.title()}, {_born(m.birth)}) sous deux noms "
            f"({m.last.title()} / {other.last.title()}), et même {' et même '.join(shared)}"
        )
    elif shared and score:
        reasons.append(f"même {' et même '.join(shared)}")
        score = min(100, score + 5)
    if not score:
        return None
    a, b = sorted((x.id, y.id))
    return Candidate(a=a, b=b, score=score, reasons=reasons)


def _keys(h: HouseholdFacts) -> Iterable[str]:
    if h.caf_number:
        yield f"caf:{h.caf_number}"
    for m in h.members:
        yield f"person:{m.last}|{m.first}|{m.birth}"
        yield f"first:{m.first}|{m.birth}"


def find(households: Iterable[HouseholdFacts], *, among: set[int] | None = None) -> list[Candidate]:
    """Every candidate pair (``among``: only pairs with at least one of these households, e.g.
    those an import just created), best first."""
    blocks: dict[str, list[HouseholdFacts]] = defaultdict(list)
    for h in households:
        for key in set(_keys(h)):
            blocks[key].append(h)
    seen: set[tuple[int, int]] = set()
    found: list[Candidate] = []
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for x, y in combinations(members, 2):
            pair = (min(x.id, y.id), max(x.id, y.id))
            if x.id == y.id or pair in seen:
                continue
            if among is not None and x.id not in among and y.id not in among:
                continue
            seen.add(pair)
            candidate = compare(x, y)
            if candidate is not None:
                found.append(candidate)
    return sorted(found, key=lambda c: (-c.score, c.a, c.b))
