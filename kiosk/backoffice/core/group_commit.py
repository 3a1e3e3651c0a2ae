"""SQLite back office: kiosk batches that wait for the writer are committed together.

With one writer at a time, every kiosk batch used to be its own transaction: with 20 kiosks
syncing, the last in the writer queue waited for 19 ``BEGIN IMMEDIATE … COMMIT`` rounds and
19 thread hand-overs. Here a batch is *work* (``work(session) -> answer``) handed to
:class:`GroupCommit`. The first request that finds no group being written leads: it waits
for the writer turn (:class:`~kiosk.backoffice.core.writer_queue.WriterQueue`, the same one
staff writes take), then takes every batch that has gathered meanwhile, its own included,
and runs them in arrival order in one transaction, each in a savepoint of its own:

* a batch that raises (a bad document, a gap, a revoked token) is rolled back to its
  savepoint and its request gets that exception, the very answer it got before; the other
  batches of the group go on;
* every request is answered only after the group's ``COMMIT`` returned; if the group fails
  before or at the commit, nothing of it is stored and each batch that had gone through is
  answered :class:`WriteNotStored` (503, retry: delivery is idempotent), never "stored";
* one kiosk's batches run in the order they came, so ``seq`` order and idempotency are
  exactly those of one transaction each (:mod:`kiosk.backoffice.sales.ingest`).

Requests that arrive while a group is written wait for the next one, which the first of
them leads. Beyond ``max_waiting`` batches (the writer queue's limit) a request is refused at
once with :class:`~kiosk.backoffice.core.writer_queue.WritersBusy`. One process only, as the
writer queue (docs/backoffice.md, "SQLite: one small store").

Off unless ``Database(url, group_commit=True)``: in ``bench/sqlite_writers.py`` grouping
lowered throughput (0.6–0.85×) without lowering the p99 (README, "fourth pass"), measured
with ``synchronous=NORMAL``. The back office now commits with ``synchronous=FULL`` (an fsync
each); on a slow disk grouping should save those fsyncs — not shown on this VM, where the
fsync is cheap (``--synchronous FULL``: p99 group/queue 1.34; 20 ms added to every commit:
1.05).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kiosk.backoffice.core.errors import BackofficeError
from kiosk.backoffice.core.writer_queue import WriterQueue, WritersBusy

T = TypeVar("T")
log = logging.getLogger(__name__)


class WriteNotStored(BackofficeError):
    """The write this batch shared with other kiosks' batches failed: nothing was stored;
    send it again (see Retry-After)."""

    status = 503
    retry_after = 1


class _Batch(Generic[T]):
    __slots__ = ("answer", "done", "error", "work")

    def __init__(self, work: Callable[[Session], T]) -> None:
        self.work = work
        self.answer: Any = None
        self.error: BaseException | None = None
        self.done = False

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.answer


class GroupCommit:
    """Batches of work committed together in one transaction, a savepoint each."""

    def __init__(
        self, begin: Callable[[], AbstractContextManager[Session]], writers: WriterQueue
    ) -> None:
        self._begin = begin  # a write transaction: BEGIN IMMEDIATE … COMMIT
        self._writers = writers
        self._cond = threading.Condition()
        self._pending: list[_Batch[Any]] = []
        self._leader: int | None = None
        #: how many transactions and batches were committed (for the bench and the tests)
        self.groups = self.batches = 0

    @property
    def waiting(self) -> int:
        """Batches gathered for the next group."""
        return len(self._pending)

    def run(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` inside a shared write transaction; its answer once committed."""
        batch: _Batch[T] = _Batch(work)
        me = threading.get_ident()
        with self._cond:
            if self._leader == me:
                raise RuntimeError("a batch's work may not start another grouped write")
            busy = self._leader is not None or self._writers.busy
            if busy and len(self._pending) >= self._writers.max_waiting:
                raise WritersBusy(
                    f"{len(self._pending)} writes are already waiting for the database; "
                    "retry in a moment"
                )
            self._pending.append(batch)
            while not batch.done and self._leader is not None:
                self._cond.wait()
            if batch.done:
                return batch.outcome()
            self._leader = me
        try:
            self._lead()
        finally:
            with self._cond:
                self._leader = None
                self._cond.notify_all()
        return batch.outcome()

    def _lead(self) -> None:
        group: list[_Batch[Any]] = []
        try:
            with self._writers.turn(admitted=True):  # batches gather while staff writes
                with self._cond:
                    group, self._pending = self._pending, []
                with self._begin() as session:
                    for batch in group:
                        self._apply(session, batch)
                # COMMIT returned: the group is stored
            self.groups += 1
            self.batches += len(group)
        except BaseException as exc:
            if isinstance(exc, OperationalError):  # disk full, I/O error: one line, not a trace
                log.error(
                    "group commit of %d batches failed; none stored: %s", len(group), exc.orig
                )
                log.debug("group commit failure", exc_info=exc)
            else:
                log.exception("group commit of %d batches failed; none stored", len(group))
            if not group:  # failed before the group was taken: answer what was gathered
                with self._cond:
                    group, self._pending = self._pending, []
            for batch in group:
                if batch.error is None:
                    not_stored = WriteNotStored(
                        "the database write failed and nothing of this batch was stored; "
                        "send it again"
                    )
                    not_stored.__cause__ = exc
                    batch.error = not_stored
            if not isinstance(exc, Exception):
                raise
        finally:
            with self._cond:
                for batch in group:
                    batch.done = True

    @staticmethod
    def _apply(session: Session, batch: _Batch[Any]) -> None:
        """One batch in a savepoint: its error is its own answer, the group goes on. A
        savepoint that cannot be rolled back or released fails the whole group."""
        savepoint = session.begin_nested()
        try:
            batch.answer = batch.work(session)
            session.flush()  # its rows' errors are its own, not the release's
        except Exception as exc:
            batch.error = exc
            savepoint.rollback()
            return
        savepoint.commit()
