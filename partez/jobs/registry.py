"""Job kinds: a handler per kind, called by the worker with a :class:`Progress`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Job

# A job kind's work: the job (its params, its author) and the progress to report to.
Handler = Callable[[Job, "Progress"], None]
HANDLERS: dict[str, Handler] = {}


class Cancelled(Exception):
    pass


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


@dataclass
class Progress:
    job: Job
    _last: int = -1

    def update(self, done: int, total: int, message: str = "") -> None:
        """Report progress (throttled to whole percents) and stop if a cancel was requested."""
        percent = 100 if total <= 0 else min(99, int(done * 100 / total))
        if percent != self._last:
            self._last = percent
            Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:300])
            if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
                raise Cancelled()
