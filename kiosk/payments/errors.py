"""Typed payment errors; each says what the caller should do next."""

from __future__ import annotations


class PaymentError(RuntimeError):
    """Base class of the payment layer's errors."""


class AmountOutOfLimits(PaymentError):
    """The method does not take this amount: offer another method or split the payment."""

    def __init__(self, method: str, amount: int, low: int, high: int) -> None:
        super().__init__(
            f"{method} takes {low}–{high} yen, not {amount}: choose another method or split"
        )
        self.method, self.amount = method, amount


class MethodUnavailable(PaymentError):
    """The method cannot work now (offline, device missing, offline cap used up)."""


class IllegalPaymentTransition(PaymentError):
    """A payment was asked to move between states the state machine does not allow."""

    def __init__(self, payment_id: str, old: str, new: str) -> None:
        super().__init__(f"payment {payment_id}: {old} → {new} is not allowed")
        self.payment_id, self.old, self.new = payment_id, old, new


class UnknownPayment(PaymentError, KeyError):
    """No payment with this id in the ledger."""


class RefundNotAllowed(PaymentError):
    """The refund does not fit the original payment (not approved, or more than is left)."""


class CardDataRejected(PaymentError):
    """A method handed back something that looks like a card number; it was not stored."""
