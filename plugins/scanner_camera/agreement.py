"""Misread defence and "don't add it twice": which reads become scans. Pure, clock injected.

A shopper holds an item in front of the camera for a second or two; the decoder reads its
code in many frames. :class:`ScanAgreement` turns that stream into one scan:

- **agreement**: a code counts only after ``agree_frames`` frames read it, each sighting no
  more than ``agree_within`` seconds after the one before (a misread rarely repeats itself);
- **cooldown**: once accepted, the code is quiet until it is *gone* (no read for
  ``gone_after`` seconds: the item left the view) or, with a number-of-seconds cooldown,
  until that many seconds have passed (then a still-held item is added again).

- **fallback confirmation**: a fallback read that no second pass confirmed within its frame
  (``confirmed`` is False) counts only once ``unconfirmed_frames`` frames read it (at least
  2, whatever ``agree_frames`` says); one confirmed sighting lifts that to ``agree_frames``.

Codes are compared by :attr:`DecodedCode.key`, so a UPC-A that one engine calls EAN-13 is
the same item. Call :meth:`ScanAgreement.observe` once per decoded frame, empty frames too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Keyed(Protocol):
    @property
    def key(self) -> Hashable: ...

    @property
    def confirmed(self) -> bool: ...


@dataclass(slots=True)
class _Track:
    count: int
    first_seen: float
    last_seen: float
    accepted_at: float | None = None
    confirmed: bool = False  # some sighting was confirmed within its frame


T = TypeVar("T", bound=Keyed)


class ScanAgreement(Generic[T]):
    def __init__(
        self,
        agree_frames: int = 2,
        *,
        agree_within: float = 0.5,
        cooldown: float | None = None,
        gone_after: float = 1.0,
        unconfirmed_frames: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``cooldown=None`` means "until the code is gone"; else seconds between re-adds."""
        if agree_frames < 1:
            raise ValueError("agree_frames must be at least 1")
        if unconfirmed_frames < 2:
            raise ValueError("unconfirmed_frames must be at least 2")
        self.agree_frames = agree_frames
        self.unconfirmed_frames = unconfirmed_frames
        self.agree_within = agree_within
        self.cooldown = cooldown
        self.gone_after = gone_after
        self._clock = clock
        self._tracks: dict[Hashable, _Track] = {}

    def observe(self, reads: Iterable[T]) -> list[T]:
        """Feed one frame's reads; return those that become scans now (usually none)."""
        now = self._clock()
        accepted: list[T] = []
        seen: set[Hashable] = set()
        for read in reads:
            key = read.key
            if key in seen:
                continue
            seen.add(key)
            track = self._tracks.get(key)
            if track is None or (
                track.accepted_at is None and now - track.last_seen > self.agree_within
            ):
                track = self._tracks[key] = _Track(0, now, now)
            if track.accepted_at is not None:
                if self.cooldown is None or now - track.accepted_at < self.cooldown:
                    track.last_seen = now
                    continue
                track.accepted_at, track.count = None, 0  # cooldown over, item still held
                track.confirmed = False
            track.count += 1
            track.last_seen = now
            track.confirmed = track.confirmed or read.confirmed
            needed = self.agree_frames
            if not track.confirmed:
                needed = max(needed, self.unconfirmed_frames)
            if track.count >= needed:
                track.accepted_at = now
                accepted.append(read)
        self._forget(now, seen)
        return accepted

    def reset(self) -> None:
        """Forget everything (a new session: the same item may be scanned again at once)."""
        self._tracks.clear()

    @property
    def pending(self) -> int:
        """Codes seen but not yet agreed on (for diagnostics)."""
        return sum(1 for t in self._tracks.values() if t.accepted_at is None)

    def _forget(self, now: float, seen: set[Hashable]) -> None:
        for key, track in list(self._tracks.items()):
            if key in seen:
                continue
            idle = now - track.last_seen
            if track.accepted_at is None:
                if idle > self.agree_within:
                    del self._tracks[key]
            elif idle > self.gone_after and (
                self.cooldown is None or now - track.accepted_at >= self.cooldown
            ):
                del self._tracks[key]
