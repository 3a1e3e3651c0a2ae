"""The payment state machine: states, kinds of rows, and the transitions allowed.

    created → requested → approved | declined | cancelled | unknown
    unknown → approved | declined | cancelled | unknown   (by status()/cancel(), never a charge)
    approved → cancelled (voided) | refunded (fully; a partial refund keeps it approved)

Voids and refunds are rows of their own (``kind`` void/refund) that point at the payment they
undo through ``original_payment_id``; they walk the same machine and end ``cancelled`` (the
void went through) or ``refunded`` (the refund went through).
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.payments.outcome import Outcome


class PaymentState(StrEnum):
    CREATED = "created"
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    REFUNDED = "refunded"


class PaymentKind(StrEnum):
    PAYMENT = "payment"
    VOID = "void"
    REFUND = "refund"


S = PaymentState

OPEN_STATES: tuple[PaymentState, ...] = (S.CREATED, S.REQUESTED, S.UNKNOWN)
FINAL_STATES: tuple[PaymentState, ...] = (S.DECLINED, S.CANCELLED, S.REFUNDED)
_SETTLED = {S.APPROVED, S.DECLINED, S.CANCELLED, S.UNKNOWN, S.REFUNDED}

ALLOWED: dict[PaymentState, frozenset[PaymentState]] = {
    # created → cancelled/declined/approved only through resolution after a crash
    S.CREATED: frozenset({S.REQUESTED, *_SETTLED}),
    S.REQUESTED: frozenset(_SETTLED),
    S.UNKNOWN: frozenset(_SETTLED),
    S.APPROVED: frozenset({S.APPROVED, S.CANCELLED, S.REFUNDED}),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

STATE_BY_OUTCOME: dict[Outcome, PaymentState] = {
    Outcome.APPROVED: S.APPROVED,
    Outcome.DECLINED: S.DECLINED,
    Outcome.CANCELLED: S.CANCELLED,
    Outcome.UNKNOWN: S.UNKNOWN,
    Outcome.REFUNDED: S.REFUNDED,
}


def allowed(old: str, new: str) -> bool:
    return PaymentState(new) in ALLOWED[PaymentState(old)]
