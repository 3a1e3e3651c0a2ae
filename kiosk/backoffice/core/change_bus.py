"""Change notification for live streams (SSE): within a process, and across processes.

Writers call :meth:`ChangeBus.bump` after committing; each open stream (the attendant
console, the live sales page) waits for the version to move on, bounded by a refresh
interval, so verdicts that need no event ('offline', a new business day) still show up.

Within one process the bus is a condition variable. With several uvicorn workers (or hosts)
on PostgreSQL, :mod:`kiosk.backoffice.core.change_feed` sets :attr:`ChangeBus.publisher`, so a
bump also becomes a ``NOTIFY``, and the other processes' listeners :meth:`advance` their own
bus of the same name. On SQLite (one small store, one process) there is no publisher.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable


class ChangeBus:
    def __init__(self, name: str = "changes") -> None:
        self.name = name
        self._cond = threading.Condition()
        self.version = 0
        #: called with the bus's name after every local bump (the cross-process feed)
        self.publisher: Callable[[str], None] | None = None

    def bump(self) -> None:
        """Something changed here: wake this process's streams, and tell the others."""
        self.advance()
        if self.publisher is not None:
            self.publisher(self.name)

    def advance(self) -> None:
        """Wake this process's streams only (a change another process announced)."""
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen, timeout)
            return self.version

    async def wait_async(self, seen: int, timeout: float) -> int:
        return await asyncio.to_thread(self.wait, seen, timeout)
