"""The UnifiedPOS-style device model every device class shares.

A *device* (UnifiedPOS "control object") is what the runtime holds: ``Scanner``,
``POSPrinter``, ``CashChanger`` … It owns the lifecycle, the state, statistics and event
delivery. A *driver* (UnifiedPOS "service object") does the I/O for one kind of hardware or a
simulator; it reports back through the :class:`DriverSink` the device hands it on ``open``.

Lifecycle::

    open() → claim() → enable()   … use …   disable() → release() → close()

``open``/``claim``/``enable`` are strict (a call out of order raises a typed
:class:`~kiosk.devices.errors.IllegalDeviceState`); ``disable``/``release``/``close`` step
back through the earlier stages for you, so tear-down code never has to be clever.

Threads: events are plain callbacks, called from whichever thread noticed them (a reader
thread, the caller of an operation). Slow operations can be pushed off the UI thread with
:meth:`Device.submit`, which runs them on the device's own single worker thread (so
operations on one device never overlap).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

from kiosk.devices.errors import (
    DeviceAlreadyOpen,
    DeviceDisconnected,
    DeviceError,
    DeviceNotClaimed,
    DeviceNotEnabled,
    DeviceNotOpen,
)
from kiosk.devices.events import (
    DataEvent,
    DeviceEvent,
    ErrorEvent,
    EventCallback,
    HealthReport,
    Severity,
    Statistics,
    StatusEvent,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class DeviceState(StrEnum):
    """UnifiedPOS ``State``: closed, idle, busy or error."""

    CLOSED = "closed"
    IDLE = "idle"
    BUSY = "busy"
    ERROR = "error"


# --- Driver side -------------------------------------------------------------------------------


class DriverSink(Protocol):
    """How a driver reports to its device. Every method may be called from any thread."""

    def driver_data(self, kind: str, data: Any) -> None: ...
    def driver_status(
        self, status: str, severity: Severity = Severity.INFO, detail: str = "", **data: Any
    ) -> None: ...
    def driver_error(self, error: DeviceError) -> None: ...
    def driver_disconnected(self, error: DeviceError) -> None: ...
    def driver_reconnected(self) -> None: ...


class DeviceDriver(ABC):
    """Base of every driver and simulator (UnifiedPOS service object)."""

    #: short name shown by ``kiosk doctor`` (the profile's driver name is used when known)
    driver_name: ClassVar[str] = "driver"

    @abstractmethod
    def open(self, sink: DriverSink) -> None:
        """Connect to the hardware; raise :class:`DeviceDisconnected` if it is not there."""

    @abstractmethod
    def close(self) -> None:
        """Disconnect and stop every thread this driver started. Must not raise."""

    def check_health(self) -> str:
        """Ask the hardware how it is; return a short status text ("ok", "paper near end")."""
        return "ok"


# --- Device side -------------------------------------------------------------------------------


class Device:
    """A device the runtime holds. Subclasses add the operations of one device class."""

    device_class: ClassVar[str] = "Device"

    def __init__(self, driver: DeviceDriver, *, name: str | None = None) -> None:
        self.driver = driver
        self.name = name or self.device_class.lower()
        self.driver_label = getattr(driver, "driver_name", type(driver).__name__)
        self.stats = Statistics()
        self._lock = threading.RLock()
        self._state = DeviceState.CLOSED
        self._opened = False
        self._claimed = False
        self._enabled = False
        self._last_status = "closed"
        self._last_error: DeviceError | None = None
        self._subscribers: list[EventCallback] = []
        self._sub_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def __repr__(self) -> str:
        return f"<{self.device_class} {self.name!r} {self._state} via {self.driver_label}>"

    # --- plain attributes (no I/O) ---

    @property
    def state(self) -> DeviceState:
        return self._state

    @property
    def claimed(self) -> bool:
        return self._claimed

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def last_status(self) -> str:
        """The last status text reported (no I/O; see :meth:`check_health` for a fresh one)."""
        return self._last_status

    @property
    def statistics(self) -> dict[str, int]:
        return self.stats.as_dict()

    # --- lifecycle ---

    def open(self) -> None:
        """Connect the driver. On a connection failure the device stays open in ERROR (so
        :meth:`recover` can retry) and the typed error is raised."""
        with self._lock:
            if self._opened:
                raise DeviceAlreadyOpen("open() called twice", device=self.name)
            self._opened = True
            self._state = DeviceState.IDLE
            self._last_status = "ok"
            try:
                self.driver.open(self)
            except DeviceError as exc:
                self._state = DeviceState.ERROR
                self._last_status = exc.code
                self._last_error = exc
                self.stats.increment("errors")
                raise

    def claim(self, timeout: float = 0.0) -> None:
        """Take exclusive use of the device (idempotent for this object)."""
        with self._lock:
            if not self._opened:
                raise DeviceNotOpen("claim() before open()", device=self.name)
            self._claimed = True

    def enable(self) -> None:
        """Start delivering data events and accepting operations."""
        with self._lock:
            if not self._opened:
                raise DeviceNotOpen("enable() before open()", device=self.name)
            if not self._claimed:
                raise DeviceNotClaimed("enable() before claim()", device=self.name)
            self._enabled = True
            self._on_enabled()

    def disable(self) -> None:
        with self._lock:
            if not self._claimed:
                raise DeviceNotClaimed("disable() while not claimed", device=self.name)
            if self._enabled:
                self._enabled = False
                self._on_disabled()

    def release(self) -> None:
        with self._lock:
            if not self._claimed:
                raise DeviceNotClaimed("release() while not claimed", device=self.name)
            if self._enabled:
                self.disable()
            self._claimed = False

    def close(self) -> None:
        """Release (if claimed), disconnect the driver and stop the worker thread."""
        with self._lock:
            if not self._opened:
                raise DeviceNotOpen("close() on a closed device", device=self.name)
            if self._claimed:
                self.release()
            try:
                self.driver.close()
            except Exception:  # a driver's close must not raise, but never trust that
                log.exception("%s: driver close failed", self.name)
            self._opened = False
            self._state = DeviceState.CLOSED
            self._last_status = "closed"
            executor, self._executor = self._executor, None
        if executor is not None:
            on_worker = threading.current_thread().name.startswith(f"{self.name}-worker")
            executor.shutdown(wait=not on_worker)

    def open_claim_enable(self) -> None:
        """The usual start-up sequence in one call."""
        self.open()
        self.claim()
        self.enable()

    def recover(self) -> bool:
        """Reconnect a device that is in ERROR (after a re-plug). Returns True if it is back."""
        with self._lock:
            if not self._opened or self._state is not DeviceState.ERROR:
                return self._opened and self._state is not DeviceState.ERROR
            try:
                self.driver.close()
            except Exception:
                log.exception("%s: driver close failed during recover", self.name)
            try:
                self.driver.open(self)
            except DeviceError as exc:
                self._last_status = exc.code
                self._last_error = exc
                return False
            self._state = DeviceState.IDLE
        self.driver_reconnected()
        return True

    def _on_enabled(self) -> None:
        """Hook for subclasses (called with the lock held)."""

    def _on_disabled(self) -> None:
        """Hook for subclasses (called with the lock held)."""

    # --- health ---

    def check_health(self) -> HealthReport:
        """Ask the driver (this may do I/O: call it off the UI thread, e.g. via submit)."""
        hint = ""
        if not self._opened:
            status = "closed"
        elif self._state is DeviceState.ERROR:
            status = self._last_status
            hint = self._last_error.hint if self._last_error else ""
        else:
            try:
                status = self.driver.check_health()
            except DeviceError as exc:
                status, hint = exc.code, exc.hint
        ok = self._opened and self._state is not DeviceState.ERROR and status == "ok"
        return HealthReport(
            device=self.name,
            device_class=self.device_class,
            driver=self.driver_label,
            state=self._state,
            ok=ok,
            status=status,
            hint=hint,
        )

    # --- events ---

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns a function that unsubscribes."""
        with self._sub_lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._sub_lock, contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _emit(self, event: DeviceEvent) -> None:
        self.stats.increment("events")
        with self._sub_lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # one bad subscriber must not stop a reader thread
                log.exception("%s: event subscriber %r failed", self.name, callback)

    # --- DriverSink (called by the driver, from any thread) ---

    def driver_data(self, kind: str, data: Any) -> None:
        if not self._enabled:
            self.stats.increment("data_ignored_while_disabled")
            return
        self.stats.increment(kind)
        self._emit(DataEvent(self.name, kind, data))

    def driver_status(
        self, status: str, severity: Severity = Severity.INFO, detail: str = "", **data: Any
    ) -> None:
        self._last_status = status
        self._emit(StatusEvent(self.name, status, Severity(severity), detail, dict(data)))

    def driver_error(self, error: DeviceError) -> None:
        self.stats.increment("errors")
        self._emit(ErrorEvent(self.name, error))

    # The two callbacks below never take the device lock: close()/recover() hold it while
    # they join the driver's reader thread, which may be calling these at that moment.

    def driver_disconnected(self, error: DeviceError) -> None:
        if not self._opened:
            return
        self._state = DeviceState.ERROR
        self.stats.increment("disconnects")
        self.stats.increment("errors")
        self._last_status = "disconnected"
        self._last_error = error
        self._emit(StatusEvent(self.name, "disconnected", Severity.ERROR, str(error)))
        self._emit(ErrorEvent(self.name, error))

    def driver_reconnected(self) -> None:
        if not self._opened:
            return
        self._state = DeviceState.IDLE
        self.stats.increment("reconnects")
        self._last_status = "ok"
        self._emit(StatusEvent(self.name, "connected", Severity.INFO, "device is back"))

    # --- operations ---

    def _require_enabled(self) -> None:
        if not self._opened:
            raise DeviceNotOpen("operation on a closed device", device=self.name)
        if not self._claimed:
            raise DeviceNotClaimed("operation on a device that is not claimed", device=self.name)
        if not self._enabled:
            raise DeviceNotEnabled("operation on a disabled device", device=self.name)
        if self._state is DeviceState.ERROR:
            raise DeviceDisconnected("the device is not connected", device=self.name)

    @contextlib.contextmanager
    def _operation(self, name: str) -> Iterator[None]:
        """Wrap one operation: check enabled, state BUSY, count it, report typed errors."""
        self._require_enabled()
        self.stats.increment("operations")
        self.stats.increment(name)
        previous = self._state
        self._state = DeviceState.BUSY
        try:
            yield
        except DeviceError as exc:
            self.stats.increment("errors")
            if isinstance(exc, DeviceDisconnected):
                previous = DeviceState.ERROR
            self._emit(ErrorEvent(self.name, exc))
            raise
        finally:
            if self._state is DeviceState.BUSY:
                self._state = previous if previous is not DeviceState.BUSY else DeviceState.IDLE

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``fn(*args, **kwargs)`` on this device's worker thread (off the UI thread)."""
        with self._lock:
            if not self._opened:
                raise DeviceNotOpen("submit() on a closed device", device=self.name)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"{self.name}-worker")
            return self._executor.submit(fn, *args, **kwargs)


__all__ = [
    "DataEvent",
    "Device",
    "DeviceDriver",
    "DeviceEvent",
    "DeviceState",
    "DriverSink",
    "ErrorEvent",
    "EventCallback",
    "HealthReport",
    "Severity",
    "Statistics",
    "StatusEvent",
]
