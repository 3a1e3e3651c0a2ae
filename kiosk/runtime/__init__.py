"""The one object the UI and the CLI talk to: domain + plugins + devices + store."""

from kiosk.runtime.runtime import KioskRuntime, PaymentFailed, ScanOutcome, StoreNotConfirmed

__all__ = ["KioskRuntime", "PaymentFailed", "ScanOutcome", "StoreNotConfirmed"]
