"""A vendor plugin, as a store would install it: it adds a scanner driver named "vendor-x"."""

from __future__ import annotations

from kiosk.devices.sim.scanner import SimulatedScanner
from kiosk.hookspecs import hookimpl


class VendorScanner(SimulatedScanner):
    driver_name = "vendor-x"


@hookimpl
def kiosk_register_drivers(registry) -> None:
    registry.register("Scanner", "vendor-x", lambda connection, options: VendorScanner())
