"""Months in French: runs of consecutive months and the phrase for a stay's period."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from partez.core.text import MONTHS


def join(items: list[str], last: str = "et") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def month_runs(months: Iterable[int]) -> list[list[int]]:
    """Consecutive months as runs, December → January included ([11, 12, 1] is one run)."""
    chosen = sorted(set(months))
    runs: list[list[int]] = []
    for m in chosen:
        if runs and runs[-1][-1] == m - 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][-1] == 12:
        runs[0] = runs.pop() + runs[0]
    return runs


def run_text(run: list[int]) -> str:
    names = [MONTHS[m - 1] for m in run]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} et {names[1]}"
    return f"{names[0]} à {names[-1]}"


def months_text(months: Iterable[int]) -> str:
    """[1..6, 9..12] → « janvier à juin, septembre à décembre »."""
    return ", ".join(run_text(r) for r in month_runs(months))


def period(months: Iterable[int]) -> str:
    """The months of a stay as a phrase: the shorter of « de mai à octobre » and « hors juillet et août »."""
    allowed = set(months)
    excluded = set(range(1, 13)) - allowed
    if not excluded:
        return "à toute période de l'année"
    runs = month_runs(allowed)
    if len(excluded) < len(allowed):
        return "hors " + join([run_text(r) for r in month_runs(excluded)])
    if len(runs) == 1 and len(runs[0]) > 2:
        return f"de {MONTHS[runs[0][0] - 1]} à {MONTHS[runs[0][-1] - 1]}"
    return "en " + join([run_text(r) for r in runs])


@lru_cache(maxsize=256)
def period_of(allowed: tuple[int, ...]) -> str:
    """``period`` memoised (the engine asks for the same few periods thousands of times)."""
    return period(allowed)
