"""Payments through the runtime: split tender, cash change and discrepancies, offline, QR."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from kiosk.domain.events import AttendantNeeded, AttendantReason, CheckoutState
from kiosk.domain.scan import Scan
from kiosk.payments import (
    AmountOutOfLimits,
    MethodUnavailable,
    Outcome,
    PaymentProgress,
    PaymentState,
)
from kiosk.runtime import PaymentFailed
from plugins.pay_card.client import TerminalClient
from plugins.pay_card.method import CardMethod, StoreAndForward
from plugins.pay_card.simulator import CardTerminalSimulator

ONIGIRI, RICE = "4901234000018", "4901234000193"  # 150 yen, 2,480 yen
WALLET_CODE = "281234567890123452"  # a shopper's wallet code (it even passes Luhn)


def test_emoney_short_of_balance_pays_the_balance_and_card_pays_the_rest(runtime):
    """GIVEN a 2,480 yen basket and an IC card holding 1,000 yen
    WHEN the shopper pays e-money, then card
    THEN e-money takes 1,000, 1,480 stays due, card pays it, and the sale has both."""
    runtime.handle_scan(Scan(RICE))
    runtime.method("emoney").reader.present(balance=1000)
    assert runtime.pay("emoney") is None
    assert runtime.amount_due == 1480
    sale = runtime.pay("card")
    assert [(t.method, t.amount) for t in sale.tenders] == [("emoney", 1000), ("card", 1480)]
    assert sale.tenders[1].masked == "411111******1111"
    assert runtime.checkout.state is CheckoutState.PAID


def test_cash_reports_the_inserted_amount_live_and_pays_change(runtime):
    runtime.handle_scan(Scan(ONIGIRI))
    cash = runtime.method("cash")
    seen: list[tuple[int, int]] = []
    cash.on_inserted = lambda inserted, due: seen.append((inserted, due))
    cash.changer.queue([100, 100])
    sale = runtime.pay("cash")
    assert seen == [(100, 150), (200, 150)]
    assert sale.change == 50 and sale.tenders[0].tendered == 200


def test_note_is_handed_back_when_the_changer_cannot_make_change(runtime):
    runtime.handle_scan(Scan(ONIGIRI))
    cash = runtime.method("cash")
    cash.changer.set_inventory({})  # no coins at all
    cash.changer.queue([1000, 100, 50])
    rejected = []
    cash.changer.subscribe(lambda e: e.kind == "note_rejected" and rejected.append(e.data))
    sale = runtime.pay("cash")
    assert rejected == [1000] and sale.change == 0


def test_change_jam_completes_the_sale_records_a_discrepancy_and_calls_staff(runtime):
    """GIVEN the changer jams paying change
    THEN the shopper's sale still completes (they paid), and a 違算 record and a staff call
    are made."""
    runtime.handle_scan(Scan(ONIGIRI))
    cash = runtime.method("cash")
    cash.changer.insert(1000)
    cash.changer.jam_next_dispense(paid=350)
    events = []
    runtime.subscribe(events.append)
    sale = runtime.pay("cash")
    assert sale is not None and runtime.checkout.state is CheckoutState.PAID
    assert cash.changer.discrepancies[0].shortfall == 500
    calls = [e for e in events if isinstance(e, AttendantNeeded)]
    assert calls and calls[0].reason is AttendantReason.PAYMENT_PROBLEM
    assert "違算" in calls[0].detail


def card_terminal(runtime) -> CardTerminalSimulator:
    """The simulated terminal the card plugin runs (training mode)."""
    runtime.method("card")  # the plugin makes its method (and simulator) on first use
    return runtime.host.pm.get_plugin("plugins.pay_card").simulator


def forget_card_link(runtime) -> None:
    """Ask the terminal about its link again now (the plugin caches the answer)."""
    runtime.method("card").link.forget()


def test_back_office_down_leaves_every_payment_method_offered(runtime):
    """GIVEN the back office does not answer (the relay lowered ``backoffice_reachable``)
    THEN card, QR and e-money are still offered and QR takes the money: the back office is
    not in the payment path (the old kiosk left only cash)."""
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.backoffice_reachable = False
    offered = {m.id for m in runtime.payment_methods()}
    assert {"cash", "card", "qr", "emoney"} <= offered
    assert runtime.methods_unavailable() == []
    assert runtime.payment_network_problems() == {}


def test_a_method_whose_own_network_is_down_alone_is_held(runtime):
    """GIVEN the QR provider does not answer (its simulator stopped), the back office fine
    THEN QR alone is left out, named for the screen with staff detail, and refused by pay."""
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.method("qr")
    provider = runtime.host.pm.get_plugin("plugins.pay_qr").provider
    provider.stop()
    runtime.method("qr").gateway.forget()
    offered = {m.id for m in runtime.payment_methods()}
    assert "qr" not in offered and {"cash", "card", "emoney"} <= offered
    assert [m.id for m in runtime.methods_unavailable()] == ["qr"]
    assert "QR provider" in runtime.payment_network_problems()["qr"]
    runtime.checkout.begin_payment()
    with pytest.raises(MethodUnavailable, match="QR provider"):
        runtime.pay("qr")


def test_card_network_down_without_caps_holds_card(runtime):
    """GIVEN the terminal's card-network link is down and no offline caps are set
    THEN card is not offered (named, with why), whatever the back office says."""
    runtime.handle_scan(Scan(ONIGIRI))
    card_terminal(runtime).offline = True
    forget_card_link(runtime)
    assert "card" not in {m.id for m in runtime.payment_methods()}
    assert "card" in {m.id for m in runtime.methods_unavailable()}
    assert "card network down" in runtime.payment_network_problems()["card"]


def test_card_store_and_forward_offline_stays_under_its_caps(tmp_path):
    terminal = CardTerminalSimulator().start()
    try:
        online = [False]
        card = CardMethod(
            TerminalClient("127.0.0.1", terminal.port, sale_timeout_s=5),
            store_and_forward=StoreAndForward(per_payment_cap=5000, total_cap=8000),
            online=lambda: online[0],
        )
        assert card.available(online=False)
        assert not card.accepts(6000)  # over the per-payment cap
        first = card.start(5000, "k-1")
        assert first.outcome is Outcome.APPROVED and first.reference.startswith("SAF-")
        assert card.start(4000, "k-2").outcome is Outcome.DECLINED  # total cap reached
        assert terminal.charges == {"k-1": 1}
        card.start(3000, "k-3")
        assert not card.available(online=False)  # nothing left until forwarded
        online[0] = True
        assert card.available(online=True) and card.saf.used == 0
    finally:
        terminal.stop()


def test_amount_over_a_method_limit_is_refused_before_anything_is_sent(runtime):
    runtime.handle_scan(Scan(RICE))
    emoney = runtime.method("emoney")
    emoney.max_amount = 1000
    with pytest.raises(AmountOutOfLimits):
        runtime.pay("emoney")
    assert not runtime.ledger.for_sale(runtime.sale_id)


def test_wallet_code_scanned_while_paying_is_claimed_and_charged(runtime):
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.method("qr")  # the plugin makes its method (and simulator) on first use
    runtime.checkout.begin_payment()
    outcome = runtime.handle_scan(Scan(WALLET_CODE, source="scanner"))
    assert outcome.claim is not None and outcome.claim.plugin == "pay_qr"
    assert len(runtime.checkout.basket.lines) == 1  # not added as a product
    sale = runtime.pay("qr")
    assert sale.tenders[0].method == "qr"


def test_merchant_presented_code_is_handed_to_the_screen_and_paid(runtime):
    """GIVEN QR in merchant mode WHEN the shopper pays by QR THEN the runtime's listeners
    get the dynamic code to show, and the shopper's app paying it completes the sale."""
    runtime.handle_scan(Scan(ONIGIRI))
    qr = runtime.method("qr")
    provider = runtime.host.pm.get_plugin("plugins.pay_qr").provider
    qr.mode, qr.poll_interval_s = "merchant", 0.01
    shown: list[str] = []

    def screen(event) -> None:
        if isinstance(event, PaymentProgress) and event.code:
            shown.append(event.code)
            provider.shopper_pays(event.code.rsplit("/", 1)[1])

    runtime.subscribe(screen)
    sale = runtime.pay("qr")
    assert shown and shown[0].startswith("https://qr.example/pay/")
    assert sale.tenders[0].amount == 150


def pay_in_background(runtime, method_id: str) -> tuple[threading.Thread, dict]:
    """``runtime.pay`` on its own thread (as the kiosk's worker does); the outcome in a dict."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["sale"] = runtime.pay(method_id)
        except PaymentFailed as exc:
            outcome["failed"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_wallet_code_scanned_while_the_qr_payment_waits_goes_to_that_payment(runtime):
    """GIVEN QR in shopper mode waiting for the shopper's code WHEN a wallet code is
    scanned THEN it reaches the payment (not the basket) and the sale completes; a product
    code scanned meanwhile is not taken."""
    runtime.handle_scan(Scan(ONIGIRI))
    qr = runtime.method("qr")
    waiting: list[PaymentProgress] = []
    runtime.subscribe(lambda e: isinstance(e, PaymentProgress) and waiting.append(e))
    thread, outcome = pay_in_background(runtime, "qr")
    wait_for(lambda: waiting and waiting[0].waiting)
    assert not runtime.payment_scan(Scan(ONIGIRI))  # a product: not a payment code
    assert runtime.payment_scan(Scan(WALLET_CODE, source="scanner"))
    thread.join(10)
    assert outcome["sale"].tenders[0].method == "qr"
    assert len(runtime.checkout.basket.lines) == 1
    assert not qr.interrupt()  # nothing waits any more


def test_shopper_cancels_a_qr_payment_waiting_for_the_code(runtime):
    runtime.handle_scan(Scan(ONIGIRI))
    qr = runtime.method("qr")
    thread, outcome = pay_in_background(runtime, "qr")
    wait_for(lambda: qr._waiting)
    assert runtime.interrupt_payment()
    thread.join(5)
    assert outcome["failed"].result.outcome is Outcome.CANCELLED
    runtime.cancel_payment()
    assert runtime.checkout.state is CheckoutState.SHOPPING


def test_shopper_cancels_cash_before_it_is_covered_and_gets_it_back(runtime):
    """GIVEN ¥150 due and ¥100 put in WHEN the shopper cancels THEN the ¥100 comes back
    (nothing kept), and the progress showed ¥100 in, ¥150 due."""
    runtime.handle_scan(Scan(ONIGIRI))
    cash = runtime.method("cash")
    seen: list[PaymentProgress] = []
    runtime.subscribe(lambda e: isinstance(e, PaymentProgress) and seen.append(e))
    cash.changer.queue([100])
    thread, outcome = pay_in_background(runtime, "cash")
    wait_for(lambda: seen and seen[-1].inserted == 100)
    assert seen[-1].due == 150 and seen[-1].waiting
    assert runtime.interrupt_payment()
    thread.join(5)
    result = outcome["failed"].result
    assert result.outcome is Outcome.CANCELLED and result.change == 100
    assert cash.changer.net == 0


def test_emoney_with_no_card_gives_up_after_the_touch_wait(runtime):
    runtime.handle_scan(Scan(ONIGIRI))
    emoney = runtime.method("emoney")
    emoney.touch_wait_s = 0.2
    with pytest.raises(PaymentFailed) as failed:
        runtime.pay("emoney")
    assert failed.value.result.outcome is Outcome.CANCELLED
    assert failed.value.result.message == "no card touched"
    # a card touched while the reader waits is taken
    emoney.touch_wait_s = 5.0
    thread, outcome = pay_in_background(runtime, "emoney")
    wait_for(lambda: emoney._waiting)
    emoney.reader.present(balance=1000)
    thread.join(5)
    assert outcome["sale"].tenders[0].method == "emoney"


def test_qr_void_after_the_cancel_window_becomes_a_full_refund(runtime):
    """Cancels are accepted until 00:14:59 the next day; after that the void is a refund."""
    runtime.handle_scan(Scan(ONIGIRI))
    qr = runtime.method("qr")
    provider = runtime.host.pm.get_plugin("plugins.pay_qr").provider
    qr.present_code("shopper-code")
    runtime.pay("qr", 100)
    provider.now = datetime(2026, 11, 23, 0, 15, 0)
    runtime.cancel_payment()
    (row,) = runtime.ledger.for_sale(runtime.sale_id)[:1]
    assert runtime.ledger.get(row.payment_id).state == PaymentState.CANCELLED
    assert provider.payments[row.idempotency_key].refunded == 100
    assert provider.net(row.idempotency_key) == 0


def test_card_timeout_with_a_late_approval_is_settled_consistently(tmp_path, runtime):
    """The terminal approves only after the kiosk stopped waiting: status/cancel settle it,
    and the ledger agrees with what the card holder is charged."""
    runtime.handle_scan(Scan(ONIGIRI))
    card = runtime.method("card")
    card.client.sale_timeout_s = 0.2
    terminal = runtime.host.pm.get_plugin("plugins.pay_card").simulator
    terminal.approve_late_next()
    try:
        sale = runtime.pay("card")
    except PaymentFailed:
        sale = None
    (row,) = runtime.ledger.for_sale(runtime.sale_id)[:1]
    row = runtime.ledger.get(row.payment_id)
    assert row.state in (PaymentState.APPROVED, PaymentState.CANCELLED)
    assert terminal.net(row.idempotency_key) == (150 if sale else 0)
    assert terminal.charges.get(row.idempotency_key, 0) <= 1


def test_card_offline_total_is_remembered_across_a_restart(make_runtime):
    """GIVEN store-and-forward caps of 5,000 per payment and 8,000 in total
    WHEN 5,000 is approved offline and the kiosk restarts while still offline
    THEN the restarted kiosk refuses 4,000 (the total counts the earlier payment) until online."""
    caps = {"pay_card": {"offline_per_payment_cap": 5000, "offline_total_cap": 8000}}
    first = make_runtime(plugin_config=caps)
    card_terminal(first).offline = True  # the terminal's card network is down
    card = first.method("card")
    assert card.start(5000, "k-before-restart").outcome is Outcome.APPROVED
    first.shutdown()

    restarted = make_runtime(plugin_config=caps)
    card_terminal(restarted).offline = True
    card = restarted.method("card")
    assert card.saf.used == 5000 and not card.accepts(4000)
    assert card.start(4000, "k-after-restart").outcome is Outcome.DECLINED
    assert card.start(3000, "k-fits").outcome is Outcome.APPROVED
    card_terminal(restarted).offline = False
    forget_card_link(restarted)
    assert "card" in {m.id for m in restarted.payment_methods()}  # the terminal forwards
    restarted.shutdown()
    assert make_runtime(plugin_config=caps).method("card").saf.used == 0  # forwarded


def test_card_offline_decline_gives_its_reservation_back(runtime):
    card = runtime.method("card")
    card.saf = StoreAndForward(per_payment_cap=5000, total_cap=8000)
    card.online = lambda: False  # the card network is down
    card.client = TerminalClient("127.0.0.1", 1, sale_timeout_s=1)  # nothing listens: not sent
    assert card.start(5000, "k-unreachable").outcome is Outcome.CANCELLED
    assert card.saf.used == 0
