"""Device events, health reports and statistics (UnifiedPOS DataEvent / StatusUpdateEvent /
ErrorEvent, checkHealth, statistics)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.devices.base import DeviceState
    from kiosk.devices.errors import DeviceError


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"  # keeps selling, staff should look (paper near end, near empty)
    ERROR = "error"  # this device cannot work until someone acts


# --- Events -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataEvent:
    """Input from the device: a ``Scan``, a weight, an inserted amount, a card …"""

    device: str
    kind: str
    data: Any


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A status change (``disconnected``, ``connected``, ``paper_near_end``, ``jam`` …)."""

    device: str
    status: str
    severity: Severity = Severity.INFO
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """Something failed; ``error`` is a typed :class:`DeviceError` with a hint for staff."""

    device: str
    error: DeviceError


DeviceEvent = DataEvent | StatusEvent | ErrorEvent
EventCallback = Callable[[DeviceEvent], None]


@dataclass(frozen=True, slots=True)
class HealthReport:
    """Result of :meth:`Device.check_health` (UnifiedPOS ``checkHealth``)."""

    device: str
    device_class: str
    driver: str
    state: DeviceState
    ok: bool
    status: str
    hint: str = ""  # what staff should do when not ok


class Statistics:
    """Thread-safe counters (UnifiedPOS statistics): operations, errors, per-class counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def increment(self, name: str, by: int = 1) -> None:
        with self._lock:
            self._counts[name] += by

    def get(self, name: str) -> int:
        with self._lock:
            return self._counts[name]

    def as_dict(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
