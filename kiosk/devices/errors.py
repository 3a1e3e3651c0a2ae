"""Typed device errors. Each one says what went wrong *and* what a person should do.

The message is for logs and the staff console; ``hint`` is the short instruction the staff
screen shows (English here; the UI translates by ``code``).
"""

from __future__ import annotations


class DeviceError(Exception):
    """Base class of every device error.

    :param message: what happened, for logs.
    :param hint: what to do about it, for staff.
    """

    code = "device_error"
    default_hint = "Check the device and its cable, then press Retry."

    def __init__(self, message: str, *, hint: str | None = None, device: str | None = None):
        self.hint = hint or self.default_hint
        self.device = device
        prefix = f"{device}: " if device else ""
        super().__init__(f"{prefix}{message} — {self.hint}")


# --- Lifecycle (programming errors: the caller used the device in the wrong order) -----------


class IllegalDeviceState(DeviceError):
    """A lifecycle call was made in the wrong order (e.g. enable before claim)."""

    code = "illegal_state"
    default_hint = "Call open() → claim() → enable() in that order before using the device."


class DeviceNotOpen(IllegalDeviceState):
    code = "not_open"
    default_hint = "Call open() first."


class DeviceNotClaimed(IllegalDeviceState):
    code = "not_claimed"
    default_hint = "Call claim() after open() and before enable() or any operation."


class DeviceNotEnabled(IllegalDeviceState):
    code = "not_enabled"
    default_hint = "Call enable() before using the device."


class DeviceAlreadyOpen(IllegalDeviceState):
    code = "already_open"
    default_hint = "Close the device before opening it again."


class DeviceClaimedElsewhere(IllegalDeviceState):
    code = "claimed_elsewhere"
    default_hint = "Another part of the kiosk holds this device; release it there first."


# --- Connection -------------------------------------------------------------------------------


class DeviceDisconnected(DeviceError):
    code = "disconnected"
    default_hint = "Check the cable / power of the device; the kiosk reconnects by itself."


class DeviceTimeout(DeviceError):
    code = "timeout"
    default_hint = "The device did not answer in time; check it is powered on and press Retry."


class DeviceDependencyMissing(DeviceError):
    code = "dependency_missing"
    default_hint = "A Python library this driver needs is not installed; see docs/devices.md."


class DeviceProtocolError(DeviceError):
    code = "protocol"
    default_hint = "The device sent data the kiosk does not understand; check its settings."


# --- Printer ----------------------------------------------------------------------------------


class PrinterError(DeviceError):
    code = "printer_error"
    default_hint = "Check the receipt printer, then ask staff to reprint the receipt."

    def __init__(self, message: str, *, receipt_incomplete: bool = False, **kwargs: object):
        self.receipt_incomplete = receipt_incomplete
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class PrinterOutOfPaper(PrinterError):
    code = "paper_out"
    default_hint = "Load a new paper roll, close the cover; staff can reprint the last receipt."


class PrinterCoverOpen(PrinterError):
    code = "cover_open"
    default_hint = "Close the printer cover firmly; staff can reprint the last receipt."


class PrinterOffline(PrinterError):
    code = "offline"
    default_hint = "Switch the printer on and check its cable; staff can reprint the receipt."


class PrinterCutterError(PrinterError):
    code = "cutter_error"
    default_hint = "Open the cover, clear the paper jam at the cutter, then close the cover."


class NothingToReprint(PrinterError):
    code = "nothing_to_reprint"
    default_hint = "No receipt has been printed since the kiosk started."


# --- Cash changer (自動釣銭機) ------------------------------------------------------------------


class ChangerError(DeviceError):
    """``paid`` is the yen that left the machine before the error (0 if none)."""

    code = "changer_error"
    default_hint = "Call staff to check the cash changer."

    def __init__(self, message: str, *, paid: int = 0, **kwargs: object):
        self.paid = paid
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class ChangeUnavailable(ChangerError):
    code = "change_unavailable"
    default_hint = "Not enough coins/notes for change: ask for a smaller note or refill."


class ChangerJam(ChangerError):
    code = "jam"
    default_hint = "Open the changer, clear the jammed note or coin, then count the cash."


class ChangerBusy(ChangerError):
    code = "busy"
    default_hint = "Finish or cancel the current deposit before starting another operation."


# --- Payment terminal -------------------------------------------------------------------------


class PaymentTerminalError(DeviceError):
    code = "terminal_error"
    default_hint = "Check the payment terminal; the payment outcome is resolved by its key."


class PaymentOutcomeUnknown(PaymentTerminalError):
    """The terminal may or may not have charged: resolve with ``query(idempotency_key)``."""

    code = "outcome_unknown"
    default_hint = "Do not charge again: ask the terminal for the result of this payment key."


# --- Scale -------------------------------------------------------------------------------------


class ScaleUnstable(DeviceError):
    code = "scale_unstable"
    default_hint = "Ask the customer to leave the item still on the scale."


class ScaleOverload(DeviceError):
    code = "scale_overload"
    default_hint = "Remove the item: it is heavier than the scale's capacity."
