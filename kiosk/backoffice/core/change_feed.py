"""Live pages across worker processes: PostgreSQL ``LISTEN/NOTIFY`` feeding the change buses.

Every back-office process on PostgreSQL keeps one listening connection (a thread blocked in
``LISTEN kiosk_changes``). A bump of a :class:`~kiosk.backoffice.core.change_bus.ChangeBus`
(``sales`` after an ingest, ``console`` after a kiosk report) sends ``NOTIFY kiosk_changes``
with the bus name and this process's id; every other process advances its bus of that name,
so a page open on worker A is woken for a sale worker B ingested.

Why LISTEN/NOTIFY and not a message broker: the back office already needs PostgreSQL for
more than one worker, every worker and host already reaches it, and the notice carries no
data (the page reads the figures from the database, which is the truth): losing one costs
at most the page's refresh interval. A broker would be one more service to run, secure and
back up in every store for a doorbell. NOTIFY is delivered only to connected listeners;
after a reconnect every bus is advanced once, since notices may have been missed.

Notices are sent by a thread of their own, never in the writer's request: a bump only marks
its bus as changed, and the thread sends the marked names at most every ``COALESCE_S``, all
in one transaction. A NOTIFY per ingest had cost each sync request a second pooled
connection and a commit that takes PostgreSQL's cluster-wide notify-queue lock (so the
workers' commits queued behind each other), and every process had to receive every other's
notice: the work per sale grew with the number of workers (``bench/load_kiosks.py``). A live
page wants "within a second", so a tenth of a second's coalescing costs it nothing.

SQLite has no such channel; there the back office is one process and the buses stay local.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from kiosk.backoffice.core.change_bus import ChangeBus

log = logging.getLogger(__name__)

CHANNEL = "kiosk_changes"
POLL_S = 1.0  # how often the listener looks up from waiting to see whether to stop
RETRY_S = 2.0  # after losing the listening connection
COALESCE_S = 0.1  # at most one round of notices per this many seconds per process


class ChangeFeed:
    """Relays bumps of ``buses`` to the other processes on the same PostgreSQL database."""

    def __init__(self, engine: Engine, buses: Mapping[str, ChangeBus]) -> None:
        self.engine, self.buses = engine, dict(buses)
        self.origin = uuid.uuid4().hex[:12]  # this process: its own notices are skipped
        url = make_url(engine.url).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="change-feed", daemon=True)
        self._changed: set[str] = set()  # bus names bumped since the last round of notices
        self._changed_lock = threading.Lock()
        self._wake = threading.Event()
        self._sender = threading.Thread(target=self._send, name="change-feed-notify", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        """Listen, then publish every bump; returns once listening (or after ``timeout``)."""
        for bus in self.buses.values():
            bus.publisher = self.publish
        self._thread.start()
        self._sender.start()
        self._listening.wait(timeout)

    def stop(self) -> None:
        for bus in self.buses.values():
            bus.publisher = None
        self._stop.set()
        self._wake.set()  # the sender sends what is still marked, then ends
        self._sender.join(POLL_S * 5)
        self._thread.join(POLL_S * 5)

    def publish(self, name: str) -> None:
        """Mark bus ``name`` changed; the sender thread tells the other processes shortly."""
        with self._changed_lock:
            self._changed.add(name)
        self._wake.set()

    def _send(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            self.send_changed()
            self._stop.wait(COALESCE_S)  # bumps meanwhile go out together in the next round
        self.send_changed()

    def send_changed(self) -> None:
        """``NOTIFY`` every bus marked since the last call, in one transaction; a failure is
        logged (the writes are committed; pages catch up at their refresh)."""
        with self._changed_lock:
            names, self._changed = sorted(self._changed), set()
        if not names:
            return
        try:
            with self.engine.connect() as connection:
                for name in names:
                    connection.execute(
                        text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": f"{name} {self.origin}"},
                    )
                connection.commit()
        except Exception as exc:
            log.warning("could not notify other workers of %s: %s", ", ".join(names), exc)

    def _listen(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    for bus in self.buses.values():  # notices sent while not listening
                        bus.advance()
                    while not self._stop.is_set():
                        for notice in connection.notifies(timeout=POLL_S):
                            self._deliver(notice.payload)
            except psycopg.Error as exc:
                log.warning("change feed lost its PostgreSQL connection: %s", exc)
                self._stop.wait(RETRY_S)

    def _deliver(self, payload: str) -> None:
        name, _, origin = payload.partition(" ")
        bus = self.buses.get(name)
        if bus is not None and origin != self.origin:
            bus.advance()


def lifespan(
    engine: Engine,
    buses: Mapping[str, ChangeBus],
    inner: Callable[[Any], AbstractAsyncContextManager[None]] | None = None,
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the feed on PostgreSQL (nothing on SQLite), around ``inner``."""

    @asynccontextmanager
    async def run(app: Any) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if engine.dialect.name == "postgresql":
                feed = ChangeFeed(engine, buses)
                feed.start()
                stack.callback(feed.stop)
            if inner is not None:
                await stack.enter_async_context(inner(app))
            yield

    return run
