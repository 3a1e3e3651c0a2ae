"""CallLight (呼び出しランプ / tower light): tells staff which kiosk needs them."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from kiosk.devices.base import Device, DeviceDriver


class LightColor(StrEnum):
    RED = "red"  # fault: printer, changer, device disconnected
    YELLOW = "yellow"  # attendant needed: age check, weight mismatch
    GREEN = "green"  # open for customers
    BLUE = "blue"  # staff call by the customer


class LightMode(StrEnum):
    OFF = "off"
    STEADY = "steady"
    BLINK = "blink"


@dataclass(frozen=True, slots=True)
class LightState:
    lamps: dict[LightColor, LightMode]
    buzzer: bool = False


class CallLightDriver(DeviceDriver):
    @abstractmethod
    def apply(self, state: LightState) -> None: ...


class CallLight(Device):
    device_class = "CallLight"
    driver: CallLightDriver

    def __init__(self, driver: CallLightDriver, *, name: str | None = None) -> None:
        super().__init__(driver, name=name)
        self.current = LightState({c: LightMode.OFF for c in LightColor})

    def set(
        self,
        color: LightColor | str,
        mode: LightMode | str = LightMode.STEADY,
        buzzer: bool = False,
    ) -> None:
        """Set one lamp (the others keep their state)."""
        lamps = dict(self.current.lamps)
        lamps[LightColor(color)] = LightMode(mode)
        self._apply(LightState(lamps, buzzer))

    def off(self) -> None:
        self._apply(LightState({c: LightMode.OFF for c in LightColor}))

    def _apply(self, state: LightState) -> None:
        with self._operation("set_light"):
            self.driver.apply(state)
            self.current = state
