"""Simulated scale: ``set_weight(grams, stable=True)``, ``overload()``."""

from __future__ import annotations

from decimal import Decimal

from kiosk.devices.base import DriverSink
from kiosk.devices.errors import DeviceDisconnected
from kiosk.devices.scale import ScaleDriver, Weight


class SimulatedScale(ScaleDriver):
    driver_name = "sim"

    def __init__(self) -> None:
        self._sink: DriverSink | None = None
        self.weight = Weight(Decimal(0), stable=True)
        self.zeroed = 0

    def open(self, sink: DriverSink) -> None:
        self._sink = sink
        sink.driver_data("weight", self.weight)

    def close(self) -> None:
        self._sink = None

    def zero(self) -> None:
        self.zeroed += 1
        self.set_weight(0)

    def set_weight(self, grams: float | int | str | Decimal, stable: bool = True) -> None:
        self.weight = Weight(Decimal(str(grams)), stable=stable)
        if self._sink is not None:
            self._sink.driver_data("weight", self.weight)

    def overload(self) -> None:
        self.weight = Weight(Decimal(0), stable=False, overload=True)
        if self._sink is not None:
            self._sink.driver_data("weight", self.weight)

    def drop_connection(self) -> None:
        if self._sink is not None:
            self._sink.driver_disconnected(DeviceDisconnected("simulated unplug"))
