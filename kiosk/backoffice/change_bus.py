"""Change notification for live streams (SSE), within one server process.

Writers call :meth:`ChangeBus.bump` after committing; each open stream (the attendant
console, the live sales page) waits for the version to move on, bounded by a refresh
interval, so verdicts that need no event ('offline', a new business day) and changes made by
another worker process still show up within that interval.
"""

from __future__ import annotations

import asyncio
import threading


class ChangeBus:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0

    def bump(self) -> None:
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen, timeout)
            return self.version

    async def wait_async(self, seen: int, timeout: float) -> int:
        return await asyncio.to_thread(self.wait, seen, timeout)
