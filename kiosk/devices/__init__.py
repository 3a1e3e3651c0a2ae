"""Hardware devices, UnifiedPOS style: scanners, receipt printer, cash changer, terminal …

The runtime uses it like this::

    from kiosk.devices.profiles import load_profile, open_devices

    devices = open_devices(load_profile("simulated"))
    devices.printer.print_receipt(lines, qr="https://…")
    devices.close_all()

See docs/devices.md for the lifecycle, the drivers, the profiles and the changer protocol.
"""

from kiosk.devices.base import (
    DataEvent,
    Device,
    DeviceDriver,
    DeviceEvent,
    DeviceState,
    ErrorEvent,
    HealthReport,
    Severity,
    StatusEvent,
)

__all__ = [
    "DataEvent",
    "Device",
    "DeviceDriver",
    "DeviceEvent",
    "DeviceState",
    "ErrorEvent",
    "HealthReport",
    "Severity",
    "StatusEvent",
]
