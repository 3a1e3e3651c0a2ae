"""A kiosk with card (against a terminal simulator) and cash, and staff, for return tests."""

from __future__ import annotations

from pathlib import Path

from kiosk.domain.scan import Scan
from kiosk.runtime import KioskRuntime
from kiosk.staff import Role, StaffAccount
from tests.payments.faults import kiosk

ONIGIRI, TEA, SOAP = "4901234000018", "4901234000025", "4901234000193"
ATTENDANT = StaffAccount("S001", "係員", Role.ATTENDANT, "x")
MANAGER = StaffAccount("M001", "店長", Role.MANAGER, "x")


def started(data_dir: Path, port: int) -> KioskRuntime:
    runtime = kiosk(data_dir, port)
    runtime.start()
    return runtime


def card_sale(runtime: KioskRuntime, *codes: str, method: str = "card") -> dict:
    """Sell ``codes`` and return the committed sale's document."""
    for code in codes:
        runtime.handle_scan(Scan(code, source="return-test"))
    sale = runtime.pay(method)
    assert sale is not None
    runtime.finish()
    return sale.to_document()
