"""One background thread that makes every runtime call, in order, off the UI thread.

The runtime may block on I/O (SQLite, plugins under deadlines, a cash changer that waits for
coins), so the shell never calls it on the UI thread. Jobs run one at a time, which also
keeps the runtime single-threaded; results and errors come back to the UI thread through
``Clock.schedule_once``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from kiosk.runtime.hardware import DeviceError
from kiosk.staff import NotAllowed, StaffLocked, WrongPin

log = logging.getLogger(__name__)

#: what staff sign-in refuses (kiosk.staff): expected at a till, said on the overlay
STAFF_REFUSALS = (WrongPin, StaffLocked, NotAllowed)

Job = Callable[[], Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class RuntimeWorker:
    def __init__(self, to_ui: Callable[[Callable[[], None]], None]) -> None:
        """``to_ui(fn)`` must run ``fn`` on the UI thread soon (``Clock.schedule_once``)."""
        self._to_ui = to_ui
        self._jobs: queue.Queue[tuple[Job, Done | None, Failed | None] | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="kiosk-runtime", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return not self._idle.is_set()

    def submit(self, job: Job, done: Done | None = None, failed: Failed | None = None) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._jobs.put((job, done, failed))

    def wait_idle(self, timeout: float) -> bool:
        """For tests and the benchmark: block until every submitted job has run."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, done, failed = item
            try:
                result = job()
            except BaseException as exc:
                if isinstance(exc, DeviceError):
                    # paper out, printer switched off…: a shop's day, not a bug — one line
                    # with the hint for staff; a traceback only for what nobody expected
                    log.warning("device: %s", exc)
                elif isinstance(exc, STAFF_REFUSALS):
                    # a mistyped PIN, a locked pad, an attendant's PIN where a manager's is
                    # needed: the overlay says so; the log keeps one line, not a traceback
                    log.warning("staff: %s", exc)
                else:
                    log.exception("runtime call failed")
                if failed is not None:
                    self._to_ui(lambda exc=exc, failed=failed: failed(exc))
            else:
                if done is not None:
                    self._to_ui(lambda result=result, done=done: done(result))
            finally:
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()
