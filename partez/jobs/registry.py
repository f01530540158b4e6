"""Job kinds: a handler per kind, called by the worker with a :class:`Progress`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Job

# A job kind's work: the job (its params, its author) and the progress to report to.
Handler = Callable[[Job, "Progress"], None]
HANDLERS: dict[str, Handler] = {}
# kind → the role rule a member must still pass to download the job's file (a kind without one
# never offers its file: fail closed).
DOWNLOAD_RULES: dict[str, Callable[..., bool]] = {}


class Cancelled(Exception):
    pass


def handler(kind: str, *, may_download: Callable[..., bool] | None = None) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the handler of ``kind``; ``may_download(membership)``: who may fetch the
    file it produces (checked again at each download)."""

    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        if may_download is not None:
            DOWNLOAD_RULES[kind] = may_download
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
