"""The shape of what a payment plugin hands the kiosk: its methods and their results.

Checked at the door (:mod:`kiosk.contract_checks`): a method with a wrong attribute type is
refused where ``kiosk_payment_methods`` returns it, and a :class:`PaymentResult` with a wrong
field type (``reference=None``, an amount as a string) is treated as an ``UNKNOWN`` outcome —
resolved by ``status()``/``cancel()``, never charged again — and the plugin is disabled with
one message naming the field.
"""

from __future__ import annotations

from typing import Any

from kiosk.contract_checks import (
    Check,
    dataclass_fields,
    describe,
    fields,
    flag,
    integer,
    non_empty_text,
    positive_seconds,
    text,
    texts,
)
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult


def _outcome(value: Any) -> str | None:
    return None if isinstance(value, Outcome) else f"is {describe(value)}, not an Outcome"


#: the attributes the kiosk reads from a method (the four calls are checked by the ABC)
payment_method: Check = fields(
    PaymentMethod,
    {
        "id": non_empty_text,
        "name_key": text,
        "domain": text,
        "name_ja": text,
        "name_en": text,
        "icon": text,
        "works_offline": flag,
        "min_amount": integer,
        "max_amount": integer,
        "simulated": flag,
        "start_deadline_s": positive_seconds,
        "call_deadline_s": positive_seconds,
    },
)

#: every field of a result, with the type the ledger stores it as
payment_result: Check = dataclass_fields(PaymentResult, outcome=_outcome, problems=texts)
