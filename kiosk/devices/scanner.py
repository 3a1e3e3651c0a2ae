"""Scanner (スキャナ): turns barcodes into :class:`kiosk.domain.scan.Scan` data events."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from kiosk.devices.base import DataEvent, Device, DeviceDriver, DeviceEvent
from kiosk.domain.scan import Scan, Symbology

#: AIM symbology identifiers (``]`` + letter + modifier) sent by scanners set to "AIM ID on".
AIM_IDS: dict[str, Symbology] = {
    "]E0": Symbology.EAN13,
    "]E4": Symbology.EAN8,
    "]E1": Symbology.UPCE,
    "]C0": Symbology.CODE128,
    "]C1": Symbology.CODE128,
    "]I0": Symbology.ITF,
    "]I1": Symbology.ITF,
    "]e0": Symbology.DATABAR,
    "]Q1": Symbology.QR,
    "]Q3": Symbology.QR,
}


def split_aim_id(text: str) -> tuple[str, Symbology]:
    """Strip an AIM identifier prefix; guess the symbology when there is none."""
    if text.startswith("]") and len(text) >= 3:
        symbology = AIM_IDS.get(text[:3])
        if symbology is not None:
            return text[3:], symbology
        return text[3:], Symbology.UNKNOWN
    return text, guess_symbology(text)


def guess_symbology(code: str) -> Symbology:
    """A best guess from the shape of the code (scanners without AIM IDs send none)."""
    if code.isdigit():
        return {13: Symbology.EAN13, 8: Symbology.EAN8, 12: Symbology.UPCA}.get(
            len(code), Symbology.UNKNOWN
        )
    return Symbology.UNKNOWN


class ScannerDriver(DeviceDriver):
    """A scanner driver calls ``sink.driver_data("scan", Scan(...))`` for every code read."""


class ScanSource:
    """Adapter to the runtime's scan-source shape: ``name``, ``start(emit)``, ``stop()``."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner
        self.name = scanner.name
        self._unsubscribe: Callable[[], None] | None = None

    def start(self, emit: Callable[[Scan], None]) -> None:
        def forward(event: DeviceEvent) -> None:
            if isinstance(event, DataEvent) and event.kind == "scan":
                emit(event.data)

        self._unsubscribe = self.scanner.subscribe(forward)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


class Scanner(Device):
    """Scans arrive as ``DataEvent(kind="scan", data=Scan(code, symbology, source=name))``
    while the scanner is enabled; scans read while disabled are counted and dropped."""

    device_class = "Scanner"

    def driver_data(self, kind: str, data: Any) -> None:
        if isinstance(data, Scan) and data.source != self.name:
            data = dataclasses.replace(data, source=self.name)
        super().driver_data(kind, data)

    def as_scan_source(self) -> ScanSource:
        return ScanSource(self)
