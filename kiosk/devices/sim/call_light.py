"""Simulated tower light: remembers every state it was asked to show."""

from __future__ import annotations

from kiosk.devices.base import DriverSink
from kiosk.devices.call_light import CallLightDriver, LightState


class SimulatedCallLight(CallLightDriver):
    driver_name = "sim"

    def __init__(self) -> None:
        self.history: list[LightState] = []

    def open(self, sink: DriverSink) -> None:
        pass

    def close(self) -> None:
        pass

    def apply(self, state: LightState) -> None:
        self.history.append(state)
