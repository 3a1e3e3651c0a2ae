"""Simulated customer display: keeps what is shown (decoded back from cp932)."""

from __future__ import annotations

from kiosk.devices.base import DriverSink
from kiosk.devices.line_display import LineDisplayDriver


class SimulatedLineDisplay(LineDisplayDriver):
    driver_name = "sim"

    def __init__(self, columns: int = 20, rows: int = 2) -> None:
        self.columns = columns
        self.rows = rows
        self.shown: list[str] = []
        self.history: list[list[str]] = []

    def open(self, sink: DriverSink) -> None:
        self.shown = []

    def close(self) -> None:
        pass

    def show(self, lines: list[bytes]) -> None:
        self.shown = [line.decode("cp932").rstrip() for line in lines]
        self.history.append(self.shown)

    def clear(self) -> None:
        self.shown = []
        self.history.append([])
