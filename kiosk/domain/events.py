"""Events the checkout emits, and the small result types plugins hand back to it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class CheckoutState(StrEnum):
    IDLE = "idle"
    SHOPPING = "shopping"
    NEEDS_ATTENDANT = "needs_attendant"
    PAYING = "paying"
    PAID = "paid"


class AttendantReason(StrEnum):
    AGE_CHECK = "age_check"
    REMOVAL_APPROVAL = "removal_approval"
    DEVICE_FAULT = "device_fault"
    HELP_REQUESTED = "help_requested"
    PAYMENT_PROBLEM = "payment_problem"
    INACTIVITY = "inactivity"
    CASH_LEFT = "cash_left"  # walked away with cash in the changer short of the amount


@dataclass(frozen=True, slots=True)
class StateChanged:
    old: CheckoutState
    new: CheckoutState
    trigger: str


@dataclass(frozen=True, slots=True)
class BasketChanged:
    change: str  # "added", "quantity", "voided", "adjusted", "restored"
    line_id: int | None = None


@dataclass(frozen=True, slots=True)
class AttendantNeeded:
    reason: AttendantReason
    detail: str = ""
    line_id: int | None = None


@dataclass(frozen=True, slots=True)
class AttendantCleared:
    reason: AttendantReason
    staff_id: str


CheckoutEvent = StateChanged | BasketChanged | AttendantNeeded | AttendantCleared


@dataclass(frozen=True, slots=True)
class ScanClaim:
    """A plugin's answer to ``kiosk_claim_scan``: it took the scan and says what it did."""

    plugin: str
    # a kiosk.messages.Message (key + params, in the plugin's own gettext domain): the screen
    # shows it in the shopper's language; there are no per-language text fields
    message: Any = None
    payload: Any = None

    def text(self, language: str = "en") -> str:
        """The message rendered in ``language`` (logs, scripts and tests read English)."""
        return self.message.render(language) if self.message is not None else ""


@dataclass(frozen=True, slots=True)
class AgeApproval:
    """A plugin's answer to ``kiosk_age_check``: approved by a digital check, not staff."""

    method: str  # e.g. "mynumber-card"
    assurance_level: int
