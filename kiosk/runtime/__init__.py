"""The one object the UI and the CLI talk to: domain + plugins + devices + store."""

from kiosk.runtime.runtime import KioskRuntime, PaymentFailed, ScanOutcome

__all__ = ["KioskRuntime", "PaymentFailed", "ScanOutcome"]
