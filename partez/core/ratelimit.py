"""A small fixed-window request counter on Django's cache, for the public pages and endpoints
(see :mod:`partez.www.limits` and the ``PUBLIC_LIMITS`` setting).

Each (scope, client) pair has one counter per window of ``seconds``: the first request of a
window creates it with ``cache.add`` (atomic), the next ones ``cache.incr`` it (atomic on Redis,
under a lock on the local-memory cache), so concurrent requests never both pass as « the 30th ».
A fixed window lets through at most twice the rate across a window boundary, which is fine for
what it is here: keeping a script from hammering the simulator or guessing survey tokens.
Redis in production (every worker shares the counters); the local-memory cache in development
and tests.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.core.cache import caches

clock = time.time  # the tests freeze it
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_WORDS = {1: "seconde", 60: "minute", 3600: "heure", 86400: "jour"}


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"30/m"``, ``"100/h"``, ``"10/30s"``, ``"500/d"``."""
        match = _RATE.match(text or "")
        if not match:
            raise ValueError(f"Limite illisible : « {text} » (attendu par exemple 30/m, 100/h, 10/30s).")
        count, multiple, unit = match.groups()
        seconds = int(multiple or 1) * _UNITS[unit]
        if int(count) < 1:
            raise ValueError(f"Limite illisible : « {text} » (au moins une requête).")
        return cls(int(count), seconds)

    def __str__(self) -> str:
        """In French: « 30 requêtes par minute », « 10 requêtes par 30 secondes »."""
        requests = f"{self.requests} requête{'s' if self.requests > 1 else ''}"
        word = _UNIT_WORDS.get(self.seconds)
        if word:
            return f"{requests} par {word}"
        return f"{requests} par {self.seconds} secondes"


def hit(
    scope: str, client: str, rate: Rate, *, now: float | None = None, cache_alias: str = "default"
) -> int:
    """Count one request of ``client`` on ``scope``. Returns 0 when it is allowed, else the
    whole seconds to wait until the window ends (the ``Retry-After``)."""
    now = clock() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]  # no address in clear in the cache
    key = f"ratelimit:{scope}:{digest}:{window}"
    cache = caches[cache_alias]
    if cache.add(key, 1, timeout=rate.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr(): a new window
            cache.add(key, 1, timeout=rate.seconds + 1)
            count = 1
    if count <= rate.requests:
        return 0
    return max(1, math.ceil((window + 1) * rate.seconds - now))
