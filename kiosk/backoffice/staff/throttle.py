"""Sign-in throttling: exponential back-off per account and per client address.

Every failed sign-in is counted twice: against the user name tried and against the client
address it came from. After ``free`` failures on a key, each further failure locks that key
for ``first_lock * 2**(failures - free)`` seconds, capped at ``max_lock``; while a key is
locked every sign-in on it is refused with 429 and a Retry-After, *even with the right
password* (otherwise a guesser simply keeps going until it hits). A success clears the
account's count, not the address's (one valid account must not reset a guesser's address).

The counts live in memory, on purpose: a locked key costs no argon2 and no database write,
so a flood of guesses cannot be turned into a flood of hashing or audit rows. What follows
from that: a restart forgets the counts, and each back-office process keeps its own (the
back office runs as one process; with several workers the effective limit multiplies by
their number). The table is bounded (``max_keys``); a key with no failure for ``forget``
is dropped.

Locking an account is also a way to keep its owner out for a while; the lock is a short,
growing back-off (not a permanent lock) so that costs minutes, and the address key catches
the guesser itself.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.backoffice.core.errors import TooManyLoginAttempts


@dataclass
class _Count:
    failures: int
    last: datetime
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Lock:
    """A lock that a failure has just started: which key, after how many, for how long."""

    key: str
    failures: int
    seconds: int


class LoginThrottle:
    """Counts failed sign-ins per key (``user:NAME``, ``addr:HOST``) and refuses locked keys."""

    def __init__(
        self,
        *,
        account_free: int = 5,
        address_free: int = 20,
        first_lock: timedelta = timedelta(seconds=30),
        max_lock: timedelta = timedelta(minutes=15),
        forget: timedelta = timedelta(hours=1),
        max_keys: int = 10_000,
    ) -> None:
        self.account_free, self.address_free = account_free, address_free
        self.first_lock, self.max_lock = first_lock, max_lock
        self.forget, self.max_keys = forget, max_keys
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(username: str, address: str) -> tuple[str, str]:
        return f"user:{username[:64]}", f"addr:{address}"

    def check(self, username: str, address: str, now: datetime) -> None:
        """Raise :class:`TooManyLoginAttempts` if the account or the address is locked."""
        with self._lock:
            waits = [
                (count.locked_until - now).total_seconds()
                for key in self.keys(username, address)
                if (count := self._counts.get(key)) is not None
                and count.locked_until is not None
                and count.locked_until > now
            ]
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            raise TooManyLoginAttempts(
                f"too many failed sign-ins; try again in {seconds} s", retry_after=seconds
            )

    def failed(self, username: str, address: str, now: datetime) -> list[Lock]:
        """Count a failure; returns the locks it started (for the audit trail)."""
        started: list[Lock] = []
        with self._lock:
            account, addr = self.keys(username, address)
            for key, free in ((account, self.account_free), (addr, self.address_free)):
                count = self._counts.setdefault(key, _Count(0, now))
                count.failures += 1
                count.last = now
                if count.failures >= free:
                    doubling = min(count.failures - free, 30)  # 2**30 s is past any cap
                    wait = min(self.first_lock * 2**doubling, self.max_lock)
                    count.locked_until = now + wait
                    started.append(Lock(key, count.failures, math.ceil(wait.total_seconds())))
            self._prune(now)
        return started

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._counts.pop(self.keys(username, address)[0], None)

    def _prune(self, now: datetime) -> None:
        stale = [
            key
            for key, count in self._counts.items()
            if now - max(count.last, count.locked_until or count.last) > self.forget
        ]
        for key in stale:
            del self._counts[key]
        if len(self._counts) > self.max_keys:  # keep the newest; a flood cannot grow memory
            by_age = sorted(self._counts, key=lambda k: self._counts[k].last)
            for key in by_age[: len(self._counts) - self.max_keys]:
                del self._counts[key]
