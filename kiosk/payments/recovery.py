"""Start-up resolution: no payment is left open, and nothing stays charged without a sale.

Run before the kiosk takes a new sale (``KioskRuntime.start``):

1. every row a crash or lost reply left ``created``/``requested``/``unknown`` is settled by
   ``status()`` then ``cancel()`` (voids are re-sent, refunds are asked for and re-sent under
   their own key);
2. every approved payment whose sale was never committed (the kiosk died between approval
   and commit) is voided: the shopper did not get a receipt, so they must not be charged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.payments.ledger import PaymentLedger
from kiosk.payments.method import Outcome, PaymentMethod

log = logging.getLogger(__name__)

MethodLookup = Callable[[str], PaymentMethod | None]


@dataclass
class RecoveryReport:
    resolved: int = 0
    voided_orphans: int = 0
    unresolved: list[str] = field(default_factory=list)  # payment ids left for staff

    @property
    def clean(self) -> bool:
        return not self.unresolved


def resolve_open(
    ledger: PaymentLedger, method_for: MethodLookup, sale_exists: Callable[[str], bool]
) -> RecoveryReport:
    report = RecoveryReport()
    for row in ledger.open_payments():
        method = method_for(row.method)
        if method is None:
            log.error("open payment %s uses unknown method %s", row.payment_id, row.method)
            report.unresolved.append(row.payment_id)
            continue
        result = ledger.resolve(row, method)
        if result.outcome is Outcome.UNKNOWN:
            report.unresolved.append(row.payment_id)
        else:
            report.resolved += 1
    for row in ledger.approved_without_sale():
        if sale_exists(row.sale_id):
            continue
        method = method_for(row.method)
        if method is None:
            report.unresolved.append(row.payment_id)
            continue
        log.warning("payment %s approved but its sale was never committed: voiding", row.payment_id)
        result = ledger.void(row.payment_id, method)
        if result.outcome is Outcome.CANCELLED:
            report.voided_orphans += 1
        else:
            report.unresolved.append(row.payment_id)
    return report
