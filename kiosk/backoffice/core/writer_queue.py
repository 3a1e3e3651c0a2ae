"""SQLite back office: writers take turns in a short first-come queue (one process).

SQLite has one writer at a time. Left to ``BEGIN IMMEDIATE`` and ``busy_timeout``, every
waiting request thread sleeps and retries inside SQLite's busy handler, with growing sleeps
and no order: with 20 kiosks syncing, the unlucky request waited 1.8–2.2 s. Here writers
queue in the process instead: each takes a ticket and is woken the moment the writer before
it commits, in arrival order, so ``BEGIN IMMEDIATE`` finds the database free. The queue is
short on purpose: beyond :data:`MAX_WAITING` writers the request is answered ``503`` with
``Retry-After`` at once (the kiosk's relay retries with backoff; nothing is lost, delivery
is idempotent) instead of piling up threads that would time out anyway.

Limits (see docs/backoffice.md): this orders writers of one process. SQLite is for one small
store on one box served by one uvicorn worker; PostgreSQL for more workers, hosts or stores.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kiosk.backoffice.core.errors import BackofficeError

MAX_WAITING = 32  # a store's kiosks and staff pages; more means the box cannot keep up


class WritersBusy(BackofficeError):
    """Too many writes are queued for the SQLite database: retry shortly (see Retry-After)."""

    status = 503
    retry_after = 1


class WriterQueue:
    """One writer at a time, in arrival order; re-entrant within a thread."""

    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        self.max_waiting = max_waiting
        self._cond = threading.Condition()
        self._next_ticket = self._serving = self._waiting = 0
        self._owner: int | None = None
        self._depth = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def busy(self) -> bool:
        """A writer has the database or is waiting for it."""
        return self._owner is not None or self._waiting > 0

    @contextmanager
    def turn(self, *, admitted: bool = False) -> Iterator[None]:
        """The database's one writer turn; ``admitted``: never refused (a group commit's
        leader, whose batches were counted against the limit when they came)."""
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:  # a nested transaction in the same thread: already ours
                self._depth += 1
            else:
                if not admitted and self.busy and self._waiting >= self.max_waiting:
                    raise WritersBusy(
                        f"{self._waiting} writes are already waiting for the database; "
                        "retry in a moment"
                    )
                ticket, self._next_ticket = self._next_ticket, self._next_ticket + 1
                self._waiting += 1
                try:
                    self._cond.wait_for(lambda: self._serving == ticket and self._owner is None)
                finally:
                    self._waiting -= 1
                self._owner, self._depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._serving += 1
                    self._cond.notify_all()
