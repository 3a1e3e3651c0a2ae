"""A payment network's state, asked at most every few seconds (public API for payment plugins).

A method's :meth:`~kiosk.payments.method.PaymentMethod.network_up` is asked each time the
payment screen opens and before each payment; a probe is a round trip to a terminal or a
gateway. :class:`CachedProbe` keeps the last answer for ``ttl_s`` seconds, so the screen stays
quick and a terminal is not asked twice a second. Its own network, never the back office:
the back office gathers sales afterwards and is not in the payment path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["CachedProbe"]

T = TypeVar("T")


class CachedProbe(Generic[T]):
    """``ask()``'s last answer, asked again once it is ``ttl_s`` old (one caller at a time)."""

    def __init__(
        self,
        ask: Callable[[], T],
        *,
        ttl_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ask = ask
        self.ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._answer: T | None = None
        self._at: float | None = None

    def get(self) -> T:
        """The network's state now (asked again when the last answer is too old)."""
        with self._lock:
            now = self._clock()
            if self._at is None or now - self._at >= self.ttl_s or self._answer is None:
                self._answer, self._at = self._ask(), now
            return self._answer

    def forget(self) -> None:
        """Ask again next time (a payment just failed for want of the network)."""
        with self._lock:
            self._at = None
