"""Autonomy, the figure the operation exists for (pure: no ORM): of the households who left with
help in an edition, how many left again the next edition with less help — fewer aids, no
accompaniment, or on their own.

The history partez already keeps is enough: a departure is a project that left (its aids are the
lines of its financing plan, its accompaniment the steps, screenings and workshops it had), and
a departure « on its own » is a past departure the referent recorded without a project. For a
household with several departures in one edition, the edition counts its most helped one before
and its least helped one after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from partez.reports import stats

ALONE = "alone"
LESS_HELP = "less_help"
SAME_HELP = "same_help"
NOT_AGAIN = "not_again"
OUTCOMES = {
    ALONE: "Repartis par eux-mêmes",
    LESS_HELP: "Repartis avec moins d'aide",
    SAME_HELP: "Repartis avec autant d'aide",
    NOT_AGAIN: "Pas repartis",
}
MEASURES = {"helped": "Partis avec de l'aide", **OUTCOMES, "autonomous": "Plus autonomes"}


@dataclass(frozen=True)
class Departure:
    household_id: int
    commune: str  # the household's commune (label)
    format: str  # the format's label
    aids: int  # lines of the financing plan
    accompanied: bool

    @property
    def helped(self) -> bool:
        return self.aids > 0 or self.accompanied

    @property
    def help(self) -> tuple[int, int]:
        return (self.aids, int(self.accompanied))


def outcome(before: Departure, after: Departure | None, alone: bool) -> str:
    """What became of a household helped in N, in N+1."""
    if after is None:
        return ALONE if alone else NOT_AGAIN
    if not after.helped:
        return ALONE
    if after.aids < before.aids or (before.accompanied and not after.accompanied):
        return LESS_HELP
    return SAME_HELP


def _most_helped(departures: Iterable[Departure]) -> dict[int, Departure]:
    best: dict[int, Departure] = {}
    for d in departures:
        if d.household_id not in best or d.help > best[d.household_id].help:
            best[d.household_id] = d
    return best


def _least_helped(departures: Iterable[Departure]) -> dict[int, Departure]:
    least: dict[int, Departure] = {}
    for d in departures:
        if d.household_id not in least or d.help < least[d.household_id].help:
            least[d.household_id] = d
    return least


def outcomes(
    before: Iterable[Departure], after: Iterable[Departure], alone_after: Iterable[int] = ()
) -> dict[int, tuple[Departure, str]]:
    """Each household helped in N (its departure of N) and its outcome in N+1."""
    first = {h: d for h, d in _most_helped(before).items() if d.helped}
    later = _least_helped(after)
    alone = set(alone_after)
    return {h: (d, outcome(d, later.get(h), h in alone)) for h, d in first.items()}


def _counts(items: Iterable[str]) -> dict[str, int | str | None]:
    values: dict[str, int | str | None] = dict.fromkeys(MEASURES, 0)
    for result in items:
        values["helped"] = int(values["helped"] or 0) + 1
        values[result] = int(values[result] or 0) + 1
    values["autonomous"] = int(values[ALONE] or 0) + int(values[LESS_HELP] or 0)
    return values


def table(results: dict[int, tuple[Departure, str]], *, by: str, title: str, suppressed: bool) -> stats.Table:
    """The outcomes per commune (``by="commune"``) or per format, with their total; small cells
    hidden (:func:`partez.reports.stats.suppress`) when ``suppressed``."""
    groups: dict[str, list[str]] = {}
    for departure, result in results.values():
        groups.setdefault(getattr(departure, by), []).append(result)
    rows = [stats.Row(key=k, label=k, values=_counts(v)) for k, v in sorted(groups.items())]
    built = stats.Table(
        key=f"autonomy_{by}",
        title=title,
        measures=dict(MEASURES),
        rows=rows,
        total=_counts(r for _d, r in results.values()),
        people=tuple(MEASURES),
    )
    return stats.suppress(built) if suppressed else built
