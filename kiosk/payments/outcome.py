"""What a provider says about one payment key."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # timeout, disconnect: resolve by status() then cancel(), never retry
    NOT_FOUND = "not_found"  # status(): the provider never saw this key
    REFUNDED = "refunded"
