"""The payment contract: methods are plugins; every payment is a persisted state machine.

* :mod:`kiosk.payments.method` — what a method implements (:class:`PaymentMethod`).
* :mod:`kiosk.payments.states` — the states and the transitions allowed.
* :mod:`kiosk.payments.ledger` — drives a method and persists every transition.
* :mod:`kiosk.payments.recovery` — settles what a crash left open, at start-up.
* :mod:`kiosk.payments.carddata` — keeps card numbers out of the kiosk.
"""

from kiosk.payments.errors import (
    AmountOutOfLimits,
    IllegalPaymentTransition,
    MethodUnavailable,
    PaymentError,
    RefundNotAllowed,
    UnknownPayment,
)
from kiosk.payments.method import Outcome, PaymentMethod, PaymentProgress, PaymentResult
from kiosk.payments.states import PaymentKind, PaymentState

__all__ = [
    "AmountOutOfLimits",
    "IllegalPaymentTransition",
    "MethodUnavailable",
    "Outcome",
    "PaymentError",
    "PaymentKind",
    "PaymentMethod",
    "PaymentProgress",
    "PaymentResult",
    "PaymentState",
    "RefundNotAllowed",
    "UnknownPayment",
]
