"""Pick up USB serial devices plugged in at runtime, without a restart.

:class:`ByIdWatcher` polls a directory (``/dev/serial/by-id`` by default) and, when a role's
path appears there, reopens that role's device (:meth:`Devices.reopen`). A role is watched
when its profile entry has ``watch = "/dev/serial/by-id/…"`` or its ``connection`` is a path
inside the watched directory. Serial links also retry on their own; the watcher makes the
come-back immediate and covers devices that were absent when the kiosk started.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.devices.profiles import Devices

log = logging.getLogger(__name__)

BY_ID = Path("/dev/serial/by-id")


class ByIdWatcher:
    def __init__(
        self,
        devices: Devices,
        directory: Path | str = BY_ID,
        interval: float = 1.0,
        on_reopen: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.devices = devices
        self.directory = Path(directory)
        self.interval = interval
        self.on_reopen = on_reopen
        self.watched: dict[str, str] = {}
        for role, config in devices.profile.devices.items():
            target = config.watch or config.connection
            if role in devices.by_role and target and Path(target).parent == self.directory:
                self.watched[role] = Path(target).name
        self._present = self._scan()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _scan(self) -> set[str]:
        try:
            return {entry.name for entry in self.directory.iterdir()}
        except OSError:
            return set()

    def poll_once(self) -> list[str]:
        """Look once; reopen roles whose path appeared. Returns the roles reopened."""
        present = self._scan()
        appeared = present - self._present
        self._present = present
        reopened = []
        for role, name in self.watched.items():
            if name in appeared:
                ok = self.devices.reopen(role)
                log.info("%s appeared at %s: %s", role, name, "back" if ok else "still failing")
                reopened.append(role)
                if self.on_reopen is not None:
                    self.on_reopen(role, ok)
        return reopened

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="by-id-watcher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll_once()
            except Exception:
                log.exception("by-id watcher poll failed")
