"""Fixtures: pty pairs, an event recorder, and working simulated devices with fault helpers."""

from __future__ import annotations

import contextlib
import os
import queue
import tty
from collections.abc import Iterator

import pytest

from kiosk.devices.base import DataEvent, DeviceEvent, ErrorEvent, StatusEvent

#: Upper bound for waiting on another thread. Never a performance threshold: tests only
#: wait this long when something is broken.
WAIT = 5.0


class Events:
    """Collects a device's events; ``next(kind)`` waits for the next matching one."""

    def __init__(self) -> None:
        self.queue: queue.Queue[DeviceEvent] = queue.Queue()
        self.seen: list[DeviceEvent] = []

    def __call__(self, event: DeviceEvent) -> None:
        self.queue.put(event)

    def next(self, cls: type = object, kind: str | None = None) -> DeviceEvent:
        while True:
            event = self.queue.get(timeout=WAIT)
            self.seen.append(event)
            if not isinstance(event, cls):
                continue
            if kind is None:
                return event
            if isinstance(event, DataEvent) and event.kind == kind:
                return event
            if isinstance(event, StatusEvent) and event.status == kind:
                return event
            if isinstance(event, ErrorEvent) and event.error.code == kind:
                return event

    def drain(self) -> list[DeviceEvent]:
        while True:
            try:
                self.seen.append(self.queue.get_nowait())
            except queue.Empty:
                return self.seen


class Pty:
    """A pty pair standing in for a USB serial device; ``path`` is what the driver opens."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.closed = False

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def read(self, size: int = 4096) -> bytes:
        return os.read(self.master, size)

    def read_exactly(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            out += os.read(self.master, size - len(out))
        return out

    def unplug(self) -> None:
        """Hang up: the reader gets 'device reports readiness to read but returned no data'."""
        if not self.closed:
            self.closed = True
            for fd in (self.master, self.slave):
                with contextlib.suppress(OSError):
                    os.close(fd)


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def pty() -> Iterator[Pty]:
    pair = Pty()
    yield pair
    pair.unplug()


@pytest.fixture
def make_pty() -> Iterator[type[Pty]]:
    made: list[Pty] = []

    def make() -> Pty:
        pair = Pty()
        made.append(pair)
        return pair

    yield make  # type: ignore[misc]
    for pair in made:
        pair.unplug()


_OUR_THREADS = ("-reader", "-worker", "changer-sim", "by-id-watcher")


@pytest.fixture(autouse=True)
def no_device_threads_left() -> Iterator[None]:
    """Every test must stop the reader/worker/simulator threads it started."""
    import threading

    before = set(threading.enumerate())
    yield
    left = [
        t.name
        for t in set(threading.enumerate()) - before
        if t.is_alive() and any(mark in t.name for mark in _OUR_THREADS)
    ]
    assert left == [], f"threads left running: {left}"
