"""Connect a kiosk's opened devices (from its hardware profile) to its runtime.

Device status and errors become ``kiosk_device_status`` calls (and, for faults during a
sale, a staff call); the main scanner becomes a scan source like any plugin's.
"""

from __future__ import annotations

import logging
from typing import Any

from kiosk.devices.errors import DeviceError, PrinterError, PrinterOutOfPaper
from kiosk.devices.events import DeviceEvent, ErrorEvent, Severity, StatusEvent
from kiosk.devices.profiles import Devices, load_profile, open_devices
from kiosk.devices.registry import DriverRegistry, default_registry

log = logging.getLogger(__name__)

#: the device layer's typed errors, for the shell to tell a device fault from a bug (the UI
#: imports no device module: it drives the devices through the runtime)
__all__ = [
    "DeviceError",
    "PrinterError",
    "PrinterOutOfPaper",
    "driver_registry",
    "hardware_scan_sources",
    "open_hardware",
]


def driver_registry(host: Any = None) -> DriverRegistry:
    """The built-in drivers plus those plugins add in ``kiosk_register_drivers``."""
    registry = default_registry()
    if host is not None:
        host.call("kiosk_register_drivers", registry=registry)
    return registry


def open_hardware(profile_name: str, host: Any = None) -> Devices:
    """Open every device the profile names, with the drivers of the built-ins and of the
    plugins in ``host``; a device that fails stays listed in ``errors``."""
    devices = open_devices(load_profile(profile_name), driver_registry(host))
    for role, error in devices.errors.items():
        log.error("device %s did not come up: %s", role, error)
    return devices


def attach(runtime: Any, devices: Devices) -> None:
    """Forward each device's status and errors to the runtime, tagged with its role."""
    for role, device in devices:
        device.subscribe(_forwarder(runtime, role))


def hardware_scan_sources(devices: Devices | None) -> list[Any]:
    scanner = getattr(devices, "main_scanner", None) if devices is not None else None
    return [scanner.as_scan_source()] if scanner is not None else []


def _forwarder(runtime: Any, role: str):
    def forward(event: DeviceEvent) -> None:
        if isinstance(event, StatusEvent):
            runtime.report_device_status(role, event.status, fault=event.severity is Severity.ERROR)
        elif isinstance(event, ErrorEvent):
            runtime.report_device_status(role, str(event.error), fault=True)

    return forward
