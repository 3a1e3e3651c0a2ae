"""Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
Jitter"): the n-th retry waits a uniform random time in [0, min(cap, base·2ⁿ)], so a store's
kiosks coming back together do not hammer the back office in step.

A back office that answers 503 with ``Retry-After`` (its writer queue full, its database
gone) says when to come back: the next wait is at least that long (capped, so a wrong header
cannot park the relay for longer than ``cap_s``), with the jitter on top of it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass
class Backoff:
    base_s: float = 1.0
    cap_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0
    #: the server's Retry-After for the next wait (seconds), if it sent one
    retry_after_s: float | None = None

    def next_delay(self) -> float:
        ceiling = min(self.cap_s, self.base_s * 2 ** min(self.failures, 30))
        self.failures += 1
        floor, self.retry_after_s = self.retry_after_s, None
        if floor is None:
            return self.rng.uniform(0, ceiling)
        return min(self.cap_s, floor + self.rng.uniform(0, ceiling))

    def retry_after(self, header: str | None, now: datetime | None = None) -> None:
        """Honour an HTTP ``Retry-After`` (seconds or an HTTP date) in the next wait; an
        unreadable or absent header leaves the plain backoff."""
        self.retry_after_s = retry_after_seconds(header, now)

    def reset(self) -> None:
        self.failures = 0
        self.retry_after_s = None


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """Seconds an HTTP ``Retry-After`` asks for (delta-seconds or an HTTP date), or None."""
    if not header:
        return None
    value = header.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
