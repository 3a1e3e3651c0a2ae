"""What a provider says about one payment key."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """A payment call's answer; the ledger maps it onto the payment's persisted state."""

    APPROVED = "approved"  # charged: ``amount`` is what was taken (may be less: split tender)
    DECLINED = "declined"  # refused; nothing charged
    CANCELLED = "cancelled"  # nothing charged (never sent, shopper cancelled, or voided)
    UNKNOWN = "unknown"  # timeout, disconnect: resolve by status() then cancel(), never retry
    NOT_FOUND = "not_found"  # status(): the provider never saw this key
    REFUNDED = "refunded"  # refund() / status(refund_key): given back
