"""When the live decoder gives up on a frame: a newer frame waits and this one used its budget.

The fallback chain on a frame whose code nothing reads costs tens of times a first pass
(docs/camera-scanning.md, "Round 7 (live)"). Meanwhile the camera keeps delivering; the
shopper has often steadied the item and a sharp frame is waiting in the
:class:`~.capture.LatestFrame` slot. :class:`FrameBudget` makes the ``should_stop`` that
:func:`~.decoder.decode` asks between fallback passes: true once a newer frame is waiting
**and** the frame has been decoded for ``budget`` seconds. A lone frame (nothing newer
waiting) always gets its whole chain, however long it takes. Clock injected (tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Mailbox(Protocol):
    @property
    def waiting(self) -> bool: ...


class FrameBudget:
    """One frame's ``should_stop``; :attr:`abandoned` says whether it ever said yes."""

    def __init__(self, mailbox: Mailbox, budget: float, clock: Callable[[], float]) -> None:
        self._mailbox = mailbox
        self._budget = budget
        self._clock = clock
        self._started = clock()
        self.abandoned = False

    def __call__(self) -> bool:
        # the mailbox first: with no newer frame the clock is not even read
        if self.abandoned:
            return True
        if self._mailbox.waiting and self._clock() - self._started >= self._budget:
            self.abandoned = True
        return self.abandoned
