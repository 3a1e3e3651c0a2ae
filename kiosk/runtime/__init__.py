"""The one object the UI and the CLI talk to: domain + plugins + devices + store."""

from kiosk.runtime.actions import PrinterLayout
from kiosk.runtime.exclusive import ExclusiveSale
from kiosk.runtime.runtime import KioskRuntime, PaymentFailed, ScanOutcome, StoreNotConfirmed
from kiosk.runtime.sale_view import LineSnapshot, SaleView
from kiosk.runtime.unit_of_work import UnitOfWork

__all__ = [
    "ExclusiveSale",
    "KioskRuntime",
    "LineSnapshot",
    "PaymentFailed",
    "PrinterLayout",
    "SaleView",
    "ScanOutcome",
    "StoreNotConfirmed",
    "UnitOfWork",
]
