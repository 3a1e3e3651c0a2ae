"""Keyboard-wedge (HID) scanner detection: a fast burst of keys ending in Enter is a scan.

A wedge scanner "types" the code at 2–10 ms per key and presses Enter; a person types at
100 ms or more per key. :class:`WedgeBurstDetector` is pure: the caller feeds it characters
with a timestamp (or an injected clock) and gets a code back when a burst completes.
Nothing here imports Kivy, so it is unit-tested without a window.

A burst that breaks — a pause inside it, so that Enter ends only its tail, or Enter comes
late — is never taken as a code: the tail of an EAN-13 can be a valid EAN-8 or UPC-A of
another item. It comes back as a :class:`BrokenScan` and the shopper is asked to scan again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

ENTER_KEYS = ("\r", "\n")


@dataclass(frozen=True, slots=True)
class BrokenScan:
    """A scanner's burst that did not arrive as one: keys with a pause among them, or an
    Enter after a pause. ``keys`` is what arrived (for counting; it may be a passport line,
    so it is not logged). Never a code."""

    keys: str


class WedgeBurstDetector:
    """Tell scanner bursts from typing.

    ``max_gap_s``: longest pause between two keys of one scan. ``min_length``: shortest code
    accepted (shorter bursts are a person pressing keys fast, e.g. "12⏎"). ``settle_s``: keys
    this close before a burst may have been its beginning, cut off by a stall on the way from
    the scanner (USB, X server, a starved kiosk); the burst is then a :class:`BrokenScan`.
    """

    def __init__(
        self,
        max_gap_s: float = 0.05,
        min_length: int = 4,
        clock: Callable[[], float] = time.monotonic,
        settle_s: float = 1.0,
    ) -> None:
        self.max_gap_s = max_gap_s
        self.min_length = min_length
        self.settle_s = settle_s
        self.clock = clock
        self._buffer: list[str] = []
        self._last: float | None = None
        self._cut = ""  # keys of this run dropped by a pause (the run ends at Enter)
        self._fast = False  # two characters of this run came at a scanner's pace

    @property
    def pending(self) -> str:
        return "".join(self._buffer)

    def reset(self) -> None:
        self._buffer.clear()
        self._last = None
        self._cut, self._fast = "", False

    def feed(self, char: str, at: float | None = None) -> str | BrokenScan | None:
        """Feed one typed character; at Enter, return the scanned code, a
        :class:`BrokenScan`, or ``None`` (a person typing)."""
        now = self.clock() if at is None else at
        gap = None if self._last is None else now - self._last
        self._last = now
        if gap is not None and gap > self.settle_s:
            self._cut, self._fast = "", False  # long ago: not part of what comes now
            self._buffer.clear()
        stale = gap is not None and gap > self.max_gap_s
        if char in ENTER_KEYS:
            return self._ended(stale)
        if not (len(char) == 1 and char.isprintable()):
            self.reset()
            return None
        if stale:
            self._cut += self.pending
            self._buffer.clear()
        elif self._buffer:
            self._fast = True
        self._buffer.append(char)
        return None

    def _ended(self, stale: bool) -> str | BrokenScan | None:
        code, keys, fast = self.pending, self._cut + self.pending, self._fast
        cut = bool(self._cut) or stale
        self.reset()
        if cut:  # a scanner's burst with a pause inside, or a person's slow keys
            return BrokenScan(keys) if fast and len(keys) >= self.min_length else None
        return code if len(code) >= self.min_length else None
