"""Connect a kiosk's opened devices (from its hardware profile) to its runtime.

Device status and errors become ``kiosk_device_status`` calls (and, for faults during a
sale, a staff call); the main scanner becomes a scan source like any plugin's.
"""

from __future__ import annotations

import logging
from typing import Any

from kiosk.devices.events import DeviceEvent, ErrorEvent, Severity, StatusEvent
from kiosk.devices.profiles import Devices, load_profile, open_devices

log = logging.getLogger(__name__)


def open_hardware(profile_name: str) -> Devices:
    """Open every device the profile names; a device that fails stays listed in ``errors``."""
    devices = open_devices(load_profile(profile_name))
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
