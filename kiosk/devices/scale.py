"""Scale (計量器): weight in grams with a stable flag, for produce and weight checks."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kiosk.devices.base import Device, DeviceDriver
from kiosk.devices.errors import DeviceProtocolError, DeviceTimeout, ScaleOverload

_UNIT_GRAMS = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}

#: ``ST,GS,+  0.123kg`` (header 1: ST stable / US unstable / OL overload; optional header 2:
#: GS gross / NT net / TR tare; sign; number with spaces; unit). A&D ``ST,+00123.4  g`` too.
_LINE = re.compile(
    r"^(?P<h1>ST|US|OL|QT),(?:(?P<h2>GS|NT|TR|GW|NW),)?\s*(?P<sign>[+-])?\s*"
    r"(?P<value>\d+(?:\.\d*)?|\.\d+)?\s*(?P<unit>kg|g|lb|oz)?\s*$"
)


@dataclass(frozen=True, slots=True)
class Weight:
    grams: Decimal
    stable: bool
    overload: bool = False
    net: bool = False


def parse_weight_line(line: str) -> Weight:
    """Parse one line of the continuous weight stream. Raises DeviceProtocolError."""
    match = _LINE.match(line.strip())
    if match is None:
        raise DeviceProtocolError(
            f"not a weight line: {line!r}",
            hint="Set the scale to stream mode, format ST,GS,+0.000kg.",
        )
    if match["h1"] == "OL":
        return Weight(Decimal(0), stable=False, overload=True)
    if match["value"] is None:
        raise DeviceProtocolError(f"weight line without a value: {line!r}")
    value = Decimal(match["value"]) * _UNIT_GRAMS[match["unit"] or "g"]
    if match["sign"] == "-":
        value = -value
    return Weight(
        value.normalize() if value else Decimal(0),
        stable=match["h1"] == "ST",
        net=match["h2"] in ("NT", "NW"),
    )


class ScaleDriver(DeviceDriver):
    """Calls ``sink.driver_data("weight", Weight)`` whenever the reading changes."""

    def zero(self) -> None:
        """Set the scale to zero (if the model takes a command)."""


class Scale(Device):
    device_class = "Scale"
    driver: ScaleDriver

    def __init__(self, driver: ScaleDriver, *, name: str | None = None) -> None:
        super().__init__(driver, name=name)
        self._latest: Weight | None = None
        self._changed = threading.Condition()

    @property
    def latest(self) -> Weight | None:
        """The last reading (no I/O)."""
        return self._latest

    def read_weight(self) -> Weight:
        """The current reading, stable or not. Raises ScaleOverload / DeviceTimeout."""
        self._require_enabled()
        weight = self._latest
        if weight is None:
            raise DeviceTimeout("no weight received from the scale yet", device=self.name)
        if weight.overload:
            raise ScaleOverload("the scale is overloaded", device=self.name)
        return weight

    def wait_for_stable(self, timeout: float = 5.0) -> Weight:
        """Block until a stable reading arrives (call off the UI thread)."""
        self._require_enabled()
        with self._changed:
            ok = self._changed.wait_for(
                lambda: self._latest is not None and (self._latest.stable or self._latest.overload),
                timeout,
            )
        if not ok:
            raise DeviceTimeout(
                "the weight did not settle",
                device=self.name,
                hint="Ask the customer to leave the item still on the scale.",
            )
        return self.read_weight()

    def zero(self) -> None:
        with self._operation("zero"):
            self.driver.zero()

    def driver_data(self, kind: str, data: Any) -> None:
        if kind == "weight" and isinstance(data, Weight):
            with self._changed:
                self._latest = data
                self._changed.notify_all()
        super().driver_data(kind, data)
