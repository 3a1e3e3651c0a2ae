"""The public display API of a payment method: show a code, an amount, a status line to the
shopper (issue 19); the runtime hands it to the screen's model, which renders it."""

from __future__ import annotations

from kiosk.domain.scan import Scan
from kiosk.payments import Outcome, PaymentProgress, PaymentResult
from kiosk.ui.payment_state import PaymentModel
from tests.payments.test_payment_deadlines import Offers, ScriptedMethod

ONIGIRI = "4901234000018"  # 150 yen
STATUS = {"ja": "決済中です", "en": "Charging now", "zh-Hans": "正在付款", "ko": "결제 중"}


class ShowingMethod(ScriptedMethod):
    """Shows a code, then its status, then takes the payment (a QR wallet's shape)."""

    def start(self, amount, idempotency_key):
        self.show_code("https://wallet.example/pay/abc", due=amount)
        self.show_status(STATUS, waiting=False)
        return PaymentResult(Outcome.APPROVED, amount, reference="w1")


def test_show_calls_build_on_each_other():
    method = ScriptedMethod()
    seen: list[PaymentProgress] = []
    method.attach_display(seen.append)
    method.show_amount(980)
    method.show_code("CODE")
    method.show_status({"en": "Waiting"}, waiting=False)
    method.show_amount(980, inserted=500)
    assert seen[-1] == PaymentProgress(
        "scripted", waiting=True, inserted=500, due=980, code="CODE", status={"en": "Waiting"}
    )
    assert [p.waiting for p in seen] == [True, True, False, True]


def test_a_new_payment_starts_from_a_clean_display():
    method = ScriptedMethod()
    seen: list[PaymentProgress] = []
    method.attach_display(seen.append)
    method.show_code("OLD")
    method.attach_display(seen.append)
    method.show_amount(100)
    assert seen[-1].code == ""


def test_a_third_party_method_reaches_the_runtime_subscribers(runtime):
    """GIVEN a vendor's method that shows its own code and status WHEN the shopper pays
    THEN the runtime's listeners (the screen) get both, in order."""
    runtime.host.register(Offers(ShowingMethod()), "wallet")
    seen = []
    runtime.subscribe(lambda event: isinstance(event, PaymentProgress) and seen.append(event))
    runtime.handle_scan(Scan(ONIGIRI))
    assert runtime.pay("scripted") is not None
    assert seen[0].code == "https://wallet.example/pay/abc" and seen[0].due == 150
    assert seen[1].status == STATUS and seen[1].code == seen[0].code and not seen[1].waiting


def test_the_screen_model_renders_code_status_and_inserted_money():
    model = PaymentModel()
    model.begin("scripted")
    model._show(PaymentProgress("scripted", due=980, code="CODE", status=STATUS))
    assert (model.code, model.due) == ("CODE", 980)
    assert model.status_text("ko") == "결제 중"
    assert model.status_text("fr") == "Charging now"  # English when the language is missing
    assert not model.shows_inserted
    model._show(PaymentProgress("scripted", inserted=500, due=980))
    assert model.shows_inserted  # a cash-like vendor method gets the "Inserted" rows
    model.begin("cash")
    assert (model.code, model.status, model.shows_inserted) == ("", {}, False)
