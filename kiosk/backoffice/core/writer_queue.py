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
    """One writer at a time, in arrival order; re-entrant within a thread.

    Each waiting writer sleeps on an event of its own and only the next ticket's is set when
    a turn ends: one condition for all, woken with ``notify_all``, woke every waiter at every
    commit (19 with 20 kiosks syncing) to find it was not its turn and sleep again, a thread
    switch and a GIL hand-over each (``bench/sync_request_parts.py``, docs/scale.md)."""

    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._next_ticket = self._serving = self._waiting = 0
        self._owner: int | None = None
        self._depth = 0
        self._sleeping: dict[int, threading.Event] = {}  # ticket → the event its writer waits on

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
        wake: threading.Event | None = None
        with self._lock:
            if self._owner == me:  # a nested transaction in the same thread: already ours
                self._depth += 1
            else:
                if not admitted and self.busy and self._waiting >= self.max_waiting:
                    raise WritersBusy(
                        f"{self._waiting} writes are already waiting for the database; "
                        "retry in a moment"
                    )
                ticket, self._next_ticket = self._next_ticket, self._next_ticket + 1
                if self._serving == ticket and self._owner is None:
                    self._owner, self._depth = me, 1  # nobody before it: the turn at once
                else:  # registered with the ticket, under the lock: the release finds it
                    wake = self._sleeping[ticket] = threading.Event()
                    self._waiting += 1
        if wake is not None:
            try:
                wake.wait()
            except BaseException:
                with self._lock:
                    self._waiting -= 1
                raise
            with self._lock:
                self._waiting -= 1
                self._owner, self._depth = me, 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._serving += 1
                    if (following := self._sleeping.pop(self._serving, None)) is not None:
                        following.set()
