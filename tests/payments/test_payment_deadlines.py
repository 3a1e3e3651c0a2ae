"""Every payment call runs under its method's declared deadline; an overrun is UNKNOWN and
is resolved by status/cancel, never by charging again (issue 19)."""

from __future__ import annotations

import threading

import pytest

from kiosk.domain.scan import Scan
from kiosk.hookspecs import hookimpl
from kiosk.payments import Outcome, PaymentMethod, PaymentResult, PaymentState
from kiosk.runtime import PaymentFailed

ONIGIRI = "4901234000018"  # 150 yen


class ScriptedMethod(PaymentMethod):
    """A method whose calls answer what the test scripted, or hang until released."""

    id = "scripted"
    name_ja = "テスト決済"
    name_en = "Scripted pay"
    icon = "card"

    def __init__(self, start=None, status=None, cancel=None, hang=()):
        self.answers = {
            "start": start or PaymentResult(Outcome.APPROVED, 150, reference="r1"),
            "status": status or PaymentResult(Outcome.NOT_FOUND),
            "cancel": cancel or PaymentResult(Outcome.CANCELLED),
            "refund": PaymentResult(Outcome.REFUNDED),
        }
        self.hang = set(hang)
        self.release = threading.Event()
        self.calls: list[str] = []
        self.interrupted = threading.Event()

    def _answer(self, what):
        self.calls.append(what)
        if what in self.hang:
            self.release.wait()
        return self.answers[what]

    def interrupt(self):
        self.interrupted.set()
        return True

    def start(self, amount, idempotency_key):
        return self._answer("start")

    def status(self, idempotency_key):
        return self._answer("status")

    def cancel(self, idempotency_key):
        return self._answer("cancel")

    def refund(self, idempotency_key, amount, refund_key):
        return self._answer("refund")


class Offers:
    def __init__(self, method):
        self.method = method

    @hookimpl
    def kiosk_payment_methods(self, runtime):
        return [self.method]


@pytest.fixture
def hanging(runtime):
    method = ScriptedMethod(hang={"start"})
    method.start_deadline_s = 0.3
    method.call_deadline_s = 0.3
    runtime.host.register(Offers(method), "hanging_pay")
    yield method
    method.release.set()


def test_the_method_declares_deadlines_with_defaults():
    method = ScriptedMethod()
    assert method.start_deadline_s == PaymentMethod.start_deadline_s > 0
    assert method.call_deadline_s == PaymentMethod.call_deadline_s > 0


def test_a_hanging_start_does_not_block_the_checkout_and_is_resolved(runtime, hanging):
    """GIVEN a method whose start never returns
    WHEN the shopper pays with it
    THEN pay returns while start still hangs: the outcome was unknown, the shopper's wait
    was interrupted, status then cancel settled it, nothing was started twice."""
    runtime.handle_scan(Scan(ONIGIRI))
    with pytest.raises(PaymentFailed) as failed:
        runtime.pay("scripted")
    assert not hanging.release.is_set()  # start is still hanging: we did not wait for it
    assert failed.value.result.outcome is Outcome.CANCELLED
    assert hanging.interrupted.is_set()
    assert hanging.calls == ["start", "status", "cancel"]
    [row] = runtime.ledger.for_sale(runtime.sale_id)
    assert row.state == PaymentState.CANCELLED
    # the kiosk keeps selling: another method takes the payment
    runtime.method("cash").changer.queue([100, 50])
    assert runtime.pay("cash") is not None


def test_an_overrun_resolved_as_approved_by_status_is_kept_not_charged_again(runtime):
    method = ScriptedMethod(status=PaymentResult(Outcome.APPROVED, 150, reference="late"))
    method.hang, method.start_deadline_s = {"start"}, 0.3
    runtime.host.register(Offers(method), "slow_pay")
    runtime.handle_scan(Scan(ONIGIRI))
    try:
        sale = runtime.pay("scripted")
    finally:
        method.release.set()
    assert sale is not None and sale.tenders[0].reference == "late"
    assert method.calls.count("start") == 1


def test_a_hanging_status_and_cancel_leave_the_payment_open_for_staff(runtime):
    method = ScriptedMethod(start=PaymentResult(Outcome.UNKNOWN, message="terminal lost"))
    method.hang, method.call_deadline_s = {"status", "cancel"}, 0.3
    runtime.host.register(Offers(method), "lost_pay")
    runtime.handle_scan(Scan(ONIGIRI))
    try:
        with pytest.raises(PaymentFailed) as failed:
            runtime.pay("scripted")
    finally:
        method.release.set()
    assert failed.value.result.outcome is Outcome.UNKNOWN
    [row] = runtime.ledger.for_sale(runtime.sale_id)
    assert row.state == PaymentState.UNKNOWN  # settled at the next start-up or by staff
    assert method.calls == ["start", "status", "cancel"]


def test_a_nonsense_deadline_falls_back_to_the_default(runtime):
    method = ScriptedMethod()
    method.start_deadline_s = "soon"
    # the door refuses the method itself (the attribute is named)...
    runtime.host.register(Offers(method), "odd_pay")
    assert "scripted" not in {m.id for m in runtime.payment_methods()}
    assert any("start_deadline_s" in p.message for p in runtime.host.problems)
    # ...and a ledger driving it directly uses the default deadline
    _row, result = runtime.ledger.pay("sale-x", method, 150)
    assert result.outcome is Outcome.APPROVED
