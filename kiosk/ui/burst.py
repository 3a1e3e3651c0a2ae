"""Keyboard-wedge (HID) scanner detection: a fast burst of keys ending in Enter is a scan.

A wedge scanner "types" the code at 2–10 ms per key and presses Enter; a person types at
100 ms or more per key. :class:`WedgeBurstDetector` is pure: the caller feeds it characters
with a timestamp (or an injected clock) and gets a code back when a burst completes.
Nothing here imports Kivy, so it is unit-tested without a window.
"""

from __future__ import annotations

import time
from collections.abc import Callable

ENTER_KEYS = ("\r", "\n")


class WedgeBurstDetector:
    """Tell scanner bursts from typing.

    ``max_gap_s``: longest pause between two keys of one scan. ``min_length``: shortest code
    accepted (shorter bursts are a person pressing keys fast, e.g. "12⏎").
    """

    def __init__(
        self,
        max_gap_s: float = 0.05,
        min_length: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_gap_s = max_gap_s
        self.min_length = min_length
        self.clock = clock
        self._buffer: list[str] = []
        self._last: float | None = None

    @property
    def pending(self) -> str:
        return "".join(self._buffer)

    def reset(self) -> None:
        self._buffer.clear()
        self._last = None

    def feed(self, char: str, at: float | None = None) -> str | None:
        """Feed one typed character; return the scanned code when Enter ends a burst."""
        now = self.clock() if at is None else at
        stale = self._last is not None and now - self._last > self.max_gap_s
        self._last = now
        if char in ENTER_KEYS:
            code = "" if stale else self.pending
            self.reset()
            return code if len(code) >= self.min_length else None
        if stale:
            self._buffer.clear()
        if len(char) == 1 and char.isprintable():
            self._buffer.append(char)
        else:
            self.reset()
        return None
