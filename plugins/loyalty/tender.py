"""Points as a tender (ポイント払い): a payment method, so the taxable amount is unchanged.

It pays part (or all) of the amount due from the identified member's balance, one point per
yen. Like e-money short of balance it may approve less than asked; the kiosk keeps the rest
due. The spend is a ledger row keyed by the payment's idempotency key, so a replay spends
nothing more, ``cancel`` gives it back once and ``refund`` once per refund key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kiosk.domain.money import Yen
from kiosk.messages import N_
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from plugins.loyalty.errors import DOMAIN
from plugins.loyalty.ledger import PointsLedger
from plugins.loyalty.points import POINTS_METHOD


class PointsMethod(PaymentMethod):
    id = POINTS_METHOD
    name_key = N_("Points")  # plugins/loyalty/locale: the tile and the receipt
    domain = DOMAIN
    icon = "points"
    works_offline = True  # the ledger is local; the back office learns it from the outbox

    def __init__(
        self,
        ledger: PointsLedger,
        member: Callable[[], str | None],
        held: Callable[[], int] = lambda: 0,
        clock: Callable[[], datetime] = datetime.now,
        training: Callable[[], bool] = lambda: False,
    ) -> None:
        self.ledger = ledger
        self.training = training  # true: the kiosk is in training mode (simulated money)
        self.member = member  # the member identified for the current sale, if any
        self.held = held  # points already promised as a discount on this sale
        self.clock = clock

    def available(self, online: bool) -> bool:
        member_id = self.member()
        if member_id is None or self.training():
            return False  # a practice sale never spends a member's real points
        return self.ledger.balance(member_id, self.clock()).points - self.held() > 0

    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        known = self.status(idempotency_key)
        if known.outcome is not Outcome.NOT_FOUND:
            return known
        member_id = self.member()
        if member_id is None:
            return PaymentResult(
                Outcome.DECLINED, message="scan a member card before paying by points"
            )
        now = self.clock()
        usable = min(amount, self.ledger.balance(member_id, now).points - self.held())
        if usable <= 0:
            return PaymentResult(Outcome.DECLINED, message="no points to use")
        with self.ledger.unit_of_work() as uow:
            self.ledger.add(
                uow, member_id, "redeem_tender", -usable, now, reference=idempotency_key
            )
        return PaymentResult(Outcome.APPROVED, amount=usable, reference=f"points:{member_id}")

    def status(self, idempotency_key: str) -> PaymentResult:
        rows = self.ledger.by_reference(idempotency_key)
        spent = -sum(r.points for r in rows if r.kind == "redeem_tender")
        if not rows:
            return PaymentResult(Outcome.NOT_FOUND)
        if any(r.kind == "restore" for r in rows):
            return PaymentResult(Outcome.CANCELLED)
        if rows[0].kind == "restore_refund":
            return PaymentResult(Outcome.REFUNDED, amount=rows[0].points)
        return PaymentResult(
            Outcome.APPROVED, amount=spent, reference=f"points:{rows[0].member_id}"
        )

    def cancel(self, idempotency_key: str) -> PaymentResult:
        rows = self.ledger.by_reference(idempotency_key)
        spends = [r for r in rows if r.kind == "redeem_tender"]
        if not spends or any(r.kind == "restore" for r in rows):
            return PaymentResult(Outcome.CANCELLED, message="no points kept")
        with self.ledger.unit_of_work() as uow:
            self.ledger.add(
                uow,
                spends[0].member_id,
                "restore",
                -sum(r.points for r in spends),
                self.clock(),
                reference=idempotency_key,
                expires=True,
            )
        return PaymentResult(Outcome.CANCELLED, message="points given back")

    def refund(self, idempotency_key: str, amount: Yen, refund_key: str) -> PaymentResult:
        done = self.ledger.by_reference(refund_key)
        if done:
            return PaymentResult(Outcome.REFUNDED, amount=done[0].points)
        spends = [r for r in self.ledger.by_reference(idempotency_key) if r.kind == "redeem_tender"]
        if not spends:
            return PaymentResult(Outcome.DECLINED, message="no points payment with this key")
        give_back = min(amount, -sum(r.points for r in spends))
        with self.ledger.unit_of_work() as uow:
            self.ledger.add(
                uow,
                spends[0].member_id,
                "restore_refund",
                give_back,
                self.clock(),
                reference=refund_key,
                expires=True,
            )
        return PaymentResult(Outcome.REFUNDED, amount=give_back)
