"""DriverRegistry: which driver names a hardware profile may use for each device class.

Built-in drivers are registered by :func:`default_registry`; plugins add theirs in the
``kiosk_register_drivers(registry)`` hook and may replace a built-in one (``replace=True``).

A factory is called as ``factory(connection, options)`` and returns a driver (a
:class:`~kiosk.devices.base.DeviceDriver`, which the registry wraps in the device class) or a
ready :class:`~kiosk.devices.base.Device`. It raises ``ValueError``/``TypeError`` for bad
options; :func:`kiosk.devices.profiles.open_devices` turns those into a ``ProfileError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.devices.base import Device, DeviceDriver
from kiosk.devices.call_light import CallLight
from kiosk.devices.camera import Camera
from kiosk.devices.changer import CashChanger
from kiosk.devices.line_display import LineDisplay
from kiosk.devices.member_card import MemberCardReader
from kiosk.devices.payment_terminal import PaymentTerminal
from kiosk.devices.printer import POSPrinter
from kiosk.devices.scale import Scale
from kiosk.devices.scanner import Scanner

DriverFactory = Callable[[str, Mapping[str, Any]], DeviceDriver | Device]

DEVICE_CLASSES: dict[str, type[Device]] = {
    cls.device_class: cls
    for cls in (
        Scanner,
        POSPrinter,
        CashChanger,
        PaymentTerminal,
        Scale,
        LineDisplay,
        MemberCardReader,
        Camera,
        CallLight,
    )
}


class UnknownDriver(LookupError):
    """The profile names a device class or driver nobody registered."""


class DriverRegistry:
    def __init__(self) -> None:
        self._factories: dict[tuple[str, str], DriverFactory] = {}

    def register(
        self, device_class: str, driver_name: str, factory: DriverFactory, *, replace: bool = False
    ) -> None:
        """Make ``driver_name`` available for ``device_class`` (e.g. "POSPrinter", "escpos")."""
        if device_class not in DEVICE_CLASSES:
            raise UnknownDriver(
                f"unknown device class {device_class!r}; one of {', '.join(DEVICE_CLASSES)}"
            )
        key = (device_class, driver_name)
        if key in self._factories and not replace:
            raise ValueError(
                f"driver {driver_name!r} is already registered for {device_class}; "
                "pass replace=True to override it"
            )
        self._factories[key] = factory

    def drivers(self, device_class: str) -> list[str]:
        return sorted(name for cls, name in self._factories if cls == device_class)

    def __contains__(self, key: object) -> bool:
        return key in self._factories

    def create(
        self,
        device_class: str,
        driver_name: str,
        connection: str = "",
        options: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> Device:
        """Build a device (closed: call ``open()``/``claim()``/``enable()`` next)."""
        cls = DEVICE_CLASSES.get(device_class)
        if cls is None:
            raise UnknownDriver(
                f"unknown device class {device_class!r}; one of {', '.join(DEVICE_CLASSES)}"
            )
        factory = self._factories.get((device_class, driver_name))
        if factory is None:
            known = ", ".join(self.drivers(device_class)) or "none"
            raise UnknownDriver(
                f"no driver {driver_name!r} for {device_class} (registered: {known})"
            )
        made = factory(connection, dict(options or {}))
        if isinstance(made, Device):
            return made
        device = cls(made, name=name)  # type: ignore[arg-type]
        device.driver_label = driver_name
        return device


def default_registry() -> DriverRegistry:
    """A registry with every built-in driver and simulator."""
    from kiosk.devices.drivers.escpos_display import EscposDisplayDriver
    from kiosk.devices.drivers.escpos_printer import EscposPrinterDriver
    from kiosk.devices.drivers.serial_changer import SerialChangerDriver
    from kiosk.devices.drivers.serial_scale import SerialScaleDriver
    from kiosk.devices.drivers.serial_scanner import SerialScannerDriver
    from kiosk.devices.sim.call_light import SimulatedCallLight
    from kiosk.devices.sim.camera import SimulatedCamera
    from kiosk.devices.sim.changer import SimulatedChanger
    from kiosk.devices.sim.line_display import SimulatedLineDisplay
    from kiosk.devices.sim.member_card import SimulatedMemberCardReader
    from kiosk.devices.sim.payment_terminal import SimulatedPaymentTerminal
    from kiosk.devices.sim.printer import SimulatedPrinter
    from kiosk.devices.sim.scale import SimulatedScale
    from kiosk.devices.sim.scanner import SimulatedScanner

    def plain(cls: type[DeviceDriver]) -> DriverFactory:
        return lambda connection, options: cls(**options)

    registry = DriverRegistry()
    registry.register("Scanner", "serial", SerialScannerDriver.from_profile)
    registry.register("Scanner", "sim", plain(SimulatedScanner))
    registry.register("POSPrinter", "escpos", EscposPrinterDriver.from_profile)
    registry.register("POSPrinter", "sim", SimulatedPrinter.from_profile)
    registry.register("CashChanger", "serial", SerialChangerDriver.from_profile)
    registry.register("CashChanger", "sim", SimulatedChanger.from_profile)
    registry.register("Scale", "serial", SerialScaleDriver.from_profile)
    registry.register("Scale", "sim", plain(SimulatedScale))
    registry.register("LineDisplay", "escpos", EscposDisplayDriver.from_profile)
    registry.register("LineDisplay", "sim", plain(SimulatedLineDisplay))
    registry.register("PaymentTerminal", "sim", SimulatedPaymentTerminal.from_profile)
    registry.register("MemberCardReader", "sim", plain(SimulatedMemberCardReader))
    registry.register("Camera", "sim", plain(SimulatedCamera))
    registry.register("CallLight", "sim", plain(SimulatedCallLight))
    return registry
