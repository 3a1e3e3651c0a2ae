"""A sale through the runtime: split tender, declines, unknown outcomes, atomic commit."""

import pytest
from sqlalchemy import select

from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.hookspecs import hookimpl
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk.runtime import PaymentFailed
from kiosk.store.models import OutboxRow, PaymentRow

RICE, ONIGIRI = "4901234000193", "4901234000018"


class FakeCard(PaymentMethod):
    """A card method that answers from a script of outcomes and counts real charges."""

    id = "fakecard"
    name_ja, name_en = "テストカード", "Test card"

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.charges: dict[str, int] = {}
        self.starts = 0

    def start(self, amount, idempotency_key):
        self.starts += 1
        outcome = self.outcomes.pop(0)
        if outcome in (Outcome.APPROVED, "approved-but-lost"):
            self.charges[idempotency_key] = amount
        if outcome == "approved-but-lost":
            return PaymentResult(Outcome.UNKNOWN, message="timeout")
        return PaymentResult(outcome, amount=amount, reference="tok-1", masked="411111******1111")

    def status(self, idempotency_key):
        if idempotency_key in self.charges:
            return PaymentResult(Outcome.APPROVED, amount=self.charges[idempotency_key])
        return PaymentResult(Outcome.NOT_FOUND)

    def cancel(self, idempotency_key):
        self.charges.pop(idempotency_key, None)
        return PaymentResult(Outcome.CANCELLED)

    def refund(self, idempotency_key, amount):
        return PaymentResult(Outcome.REFUNDED, amount=amount)


class CardPlugin:
    def __init__(self, method):
        self.method = method

    @hookimpl
    def kiosk_payment_methods(self, runtime):
        return [self.method]


def _with_card(runtime, *outcomes):
    card = FakeCard(outcomes)
    runtime.host.register(CardPlugin(card), "fakecard")
    return card


def test_split_tender_card_then_cash(runtime):
    card = _with_card(runtime, Outcome.APPROVED)
    runtime.handle_scan(Scan(RICE))  # 2,480
    assert runtime.pay("fakecard", 1000) is None
    assert runtime.amount_due == 1480
    sale = runtime.pay("cash")
    assert [(t.method, t.amount) for t in sale.tenders] == [("fakecard", 1000), ("cash", 1480)]
    assert sum(card.charges.values()) == 1000
    assert runtime.checkout.state is CheckoutState.PAID


def test_decline_leaves_the_basket_and_charges_nothing(runtime):
    card = _with_card(runtime, Outcome.DECLINED)
    runtime.handle_scan(Scan(ONIGIRI))
    with pytest.raises(PaymentFailed, match="declined"):
        runtime.pay("fakecard")
    assert runtime.checkout.state is CheckoutState.PAYING
    assert not card.charges and runtime.store.sale_count() == 0
    runtime.cancel_payment()
    assert runtime.checkout.state is CheckoutState.SHOPPING
    assert runtime.checkout.totals.total == 150


def test_unknown_outcome_is_resolved_by_status_not_by_charging_again(runtime):
    card = _with_card(runtime, "approved-but-lost")
    runtime.handle_scan(Scan(ONIGIRI))
    sale = runtime.pay("fakecard")  # timeout → status() says approved → sale completes
    assert sale is not None and sale.total == 150
    assert card.starts == 1 and len(card.charges) == 1


def test_crash_after_approval_before_commit_is_voided_at_restart(make_runtime):
    runtime = make_runtime()
    card = _with_card(runtime, Outcome.APPROVED)
    runtime.handle_scan(Scan(ONIGIRI))
    runtime._complete = lambda: (_ for _ in ()).throw(SystemExit("power cut"))
    with pytest.raises(SystemExit):
        runtime.pay("fakecard")
    assert len(card.charges) == 1  # charged, but no sale was committed
    # leave the approved payment as a crash would: approved in the ledger, no sale
    restarted = make_runtime()
    restarted.host.register(CardPlugin(card), "fakecard")
    report = restarted.recover_payments()
    assert report.resolved == 0  # approved is not an open state…
    # …so recovery also voids approved payments whose sale never committed:
    assert report.voided_orphans == 1 and not card.charges
    assert restarted.store.sale_count() == 0


def test_sale_lines_payments_and_outbox_commit_together(runtime):
    _with_card(runtime, Outcome.APPROVED)
    runtime.handle_scan(Scan(ONIGIRI))
    sale = runtime.pay("fakecard")
    with runtime.store.transaction() as session:
        outbox = session.scalars(select(OutboxRow)).all()
        payments = session.scalars(select(PaymentRow)).all()
    assert [row.aggregate_id for row in outbox] == [sale.sale_id]
    assert outbox[0].payload["total"] == 150
    assert [(p.state, p.masked) for p in payments] == [("approved", "411111******1111")]
    assert runtime.store.verify_journal().ok


def test_a_scan_past_the_quantity_limit_is_refused_with_a_message(runtime):
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.checkout.set_quantity(1, 999)
    outcome = runtime.handle_scan(Scan(ONIGIRI))
    assert not outcome.accepted and outcome.error is not None
    assert outcome.error.render("ja").endswith("係員をお呼びください。")
    assert outcome.error.render("ko").endswith("직원을 불러 주세요.")
    assert outcome.detail == "1,000 pieces of one item is over the kiosk's limit of 999"
    assert runtime.checkout.basket.active_lines[0].quantity == 999


def test_cancel_before_the_first_item_lets_go_of_what_was_attached(runtime):
    """GIVEN a member card signed in to the coming sale, nothing scanned (idle)
    WHEN the sale is cancelled (the shopper left: kiosk.ui.flows' inactivity)
    THEN nothing is journalled, and the next sale has a new id and no member."""
    runtime.member_id = "M0123456789AB"  # what the loyalty plugin sets on a member scan
    sale_id = runtime.sale_id
    assert runtime.state is CheckoutState.IDLE
    runtime.cancel_sale()
    assert runtime.member_id is None and runtime.sale_view().member_id is None
    assert runtime.sale_id != sale_id and runtime.state is CheckoutState.IDLE
