"""Simulated scanner: ``inject_scan("4901234567894")`` behaves like a real read."""

from __future__ import annotations

from kiosk.devices.base import DriverSink, Severity
from kiosk.devices.errors import DeviceDisconnected, DeviceProtocolError
from kiosk.devices.scanner import ScannerDriver, guess_symbology
from kiosk.domain.scan import Scan, Symbology


class SimulatedScanner(ScannerDriver):
    driver_name = "sim"

    def __init__(self) -> None:
        self._sink: DriverSink | None = None
        self.connected = False

    def open(self, sink: DriverSink) -> None:
        self._sink = sink
        self.connected = True

    def close(self) -> None:
        self.connected = False
        self._sink = None

    def check_health(self) -> str:
        return "ok" if self.connected else "disconnected"

    # --- test controls ---

    def inject_scan(self, code: str, symbology: Symbology | None = None) -> None:
        """Behave as if ``code`` was scanned (ignored while unplugged, like real hardware)."""
        if self._sink is not None and self.connected:
            self._sink.driver_data("scan", Scan(code, symbology or guess_symbology(code)))

    def inject_garbage(self, data: bytes = b"\xff\xfe") -> None:
        if self._sink is not None and self.connected:
            self._sink.driver_error(DeviceProtocolError(f"non-ASCII bytes: {data!r}"))
            self._sink.driver_status("garbage_received", Severity.WARNING, "scan discarded")

    def drop_connection(self) -> None:
        if self._sink is not None and self.connected:
            self.connected = False
            self._sink.driver_disconnected(DeviceDisconnected("simulated unplug"))

    def restore_connection(self) -> None:
        if self._sink is not None and not self.connected:
            self.connected = True
            self._sink.driver_reconnected()
