"""The demo's dates, relative to the day it is loaded: the one place they are computed.

The demo is drawn on a template season (the 2025 edition, its 2024 predecessor) as it stands
on :data:`TEMPLATE_TODAY` — ten days after the Fête des vacances, the last commission held,
summer departures ahead, spring stays back and evaluated. :class:`DemoCalendar` moves that
season by whole weeks (weekdays stay: camping weeks start on Saturdays, the Fête is a Saturday)
so that its « today » falls in the week of the day of loading, and renames the years to match.
For a given day the calendar, hence the demo, is always the same."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from partez.projects.models import ProjectFormat
from partez.projects.workflow import Status

TEMPLATE_YEAR = 2025  # the edition the generator draws (its predecessor: TEMPLATE_YEAR - 1)
TEMPLATE_TODAY = dt.date(2025, 7, 8)  # a Tuesday: the Fête (Saturday 28 June) is ten days past


@dataclasses.dataclass(frozen=True)
class DemoCalendar:
    weeks: int  # how far the template season is moved

    @classmethod
    def on(cls, today: dt.date) -> DemoCalendar:
        """The calendar whose « today » is in the week of ``today`` (the same 6 days before it at most)."""
        return cls((today - TEMPLATE_TODAY).days // 7)

    @property
    def offset(self) -> dt.timedelta:
        return dt.timedelta(weeks=self.weeks)

    @property
    def year(self) -> int:
        """The year of the demo's current edition."""
        return self.year_of(TEMPLATE_YEAR)

    @property
    def years(self) -> tuple[int, int]:
        """The previous and the current edition's years."""
        return self.year - 1, self.year

    def year_of(self, template_year: int) -> int:
        return template_year + (TEMPLATE_TODAY + self.offset).year - TEMPLATE_YEAR

    def template_day(self, today: dt.date) -> dt.date:
        """``today`` on the template season (what the generator calls today)."""
        return today - self.offset

    def date(self, day: dt.date) -> dt.date:
        """A template date on the demo's calendar (aware datetimes too: same wall-clock time)."""
        return day + self.offset

    def moved(self, value: Any) -> Any:
        """``value`` with every date and datetime in it moved (dataclasses, lists and tuples
        walked; other values as they are)."""
        if isinstance(value, dt.date):  # datetimes included
            return value + self.offset
        if isinstance(value, list):
            return [self.moved(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.moved(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.replace(
                value,
                **{f.name: self.moved(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init},
            )
        return value


# --- the season on the demo's « now » (the first day of today's week on the template calendar)

FIXED_DATES = (ProjectFormat.CAMPING, ProjectFormat.HOSTING)  # a camping week, a foundation's period


def stay_by(p, earliest: dt.date, now: dt.date, day_between: Callable[[dt.date, dt.date], dt.date]) -> None:
    """A project's stay drawn as under way (or over) moved to include ``now`` (or to end ten
    days before it at least) when its format has free dates; seniors never leave in July or
    August, so an under-way seniors stay is not moved. ``day_between`` draws a day."""
    nights = p.end_date - p.start_date
    if p.status == Status.DEPARTED:
        if p.format in (*FIXED_DATES, ProjectFormat.SENIORS):
            return
        if p.start_date > now or p.end_date <= now:
            start = max(earliest, now - nights + dt.timedelta(days=1))
            if start <= now:
                p.start_date = day_between(start, now)
                p.end_date = p.start_date + nights
        return
    latest_end = now - dt.timedelta(days=10)
    if p.format in FIXED_DATES or p.end_date <= latest_end:
        return
    if latest_end - nights >= earliest:
        p.start_date = day_between(earliest, latest_end - nights)
        p.end_date = p.start_date + nights


def status_on(status: str, start: dt.date, end: dt.date, now: dt.date) -> str:
    """A drawn status as the calendar allows it on ``now``: no one has left before their
    departure day nor come back before their return; an evaluation follows the return by ten
    days at least."""
    if status not in (Status.DEPARTED, Status.RETURNED, Status.EVALUATED):
        return status
    if start > now:
        return Status.AID_GRANTED
    if end > now:
        return Status.DEPARTED
    if status == Status.EVALUATED and end + dt.timedelta(days=10) > now:
        return Status.RETURNED
    return Status.RETURNED if status == Status.DEPARTED else status
