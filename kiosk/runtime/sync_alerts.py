"""The sync relay's staff alerts, held for the screen (the runtime's front door to them).

The sync thread (:mod:`kiosk.sync.service`) reports each alert the relay raises and the end
of a backlog episode; the UI polls :meth:`SyncAlertBoard.current` and shows each alert once,
taking a backlog's banner down when the sales went. Plain data only: the UI never imports
the sync package, and the board is safe to use from both threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

#: the relay's alert kinds (``kiosk.sync.relay.AlertKind`` values)
SYNC_ALERT_KINDS = ("backlog", "revoked", "gap", "rejected")


@dataclass(frozen=True, slots=True)
class SyncAlert:
    """One relay alert as staff should see it; ``number`` orders them (each shown once)."""

    number: int
    kind: str  # one of SYNC_ALERT_KINDS
    at: datetime  # store time
    unsent: int = 0
    oldest_unsent_at: datetime | None = None  # store time
    message: str = ""  # the relay's English detail, as in the log and the journal
    stopped: bool = False  # the relay stopped (nothing more is sent until staff act)


class SyncAlertBoard:
    """The alerts still standing, one per kind (a later one of a kind replaces it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._alerts: dict[str, SyncAlert] = {}
        self._count = 0

    def raise_alert(
        self,
        kind: str,
        at: datetime,
        unsent: int = 0,
        oldest_unsent_at: datetime | None = None,
        message: str = "",
        stopped: bool = False,
    ) -> SyncAlert:
        if kind not in SYNC_ALERT_KINDS:
            raise ValueError(f"unknown sync alert kind {kind!r}")
        with self._lock:
            self._count += 1
            alert = SyncAlert(self._count, kind, at, unsent, oldest_unsent_at, message, stopped)
            self._alerts[kind] = alert
        return alert

    def clear(self, kind: str) -> None:
        """The episode is over (the backlog was sent): its alert no longer stands."""
        with self._lock:
            self._alerts.pop(kind, None)

    def current(self) -> tuple[SyncAlert, ...]:
        with self._lock:
            return tuple(sorted(self._alerts.values(), key=lambda a: a.number))
