"""Hook results are type-checked at the door: a wrong type disables the plugin with one
message naming plugin, hook and field, and the kiosk keeps selling (issue 19)."""

from __future__ import annotations

from kiosk.domain.receipt import ReceiptSection
from kiosk.domain.scan import Scan
from kiosk.hookspecs import hookimpl
from kiosk.payments import Outcome, PaymentResult, PaymentState
from kiosk.runtime import PaymentFailed
from tests.payments.test_payment_deadlines import ScriptedMethod

ONIGIRI = "4901234000018"  # 150 yen in the demo catalogue


class Plugin:
    """Returns whatever the test hands it from one hook."""

    def __init__(self, **returns):
        self.returns = returns

    @hookimpl
    def kiosk_payment_methods(self, runtime):
        return self.returns.get("kiosk_payment_methods")

    @hookimpl
    def kiosk_receipt_sections(self, sale):
        return self.returns.get("kiosk_receipt_sections")


def problems_of(runtime, name):
    return [p.staff_message() for p in runtime.host.problems if p.plugin == name]


def test_payment_methods_of_the_wrong_type_disable_the_plugin_and_cash_still_sells(runtime):
    """GIVEN a plugin whose kiosk_payment_methods returns ["not a method", 42, None]
    WHEN the shopper pays cash THEN the sale completes and one message names the item."""
    runtime.host.register(Plugin(kiosk_payment_methods=["not a method", 42, None]), "acme")
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.method("cash").changer.queue([100, 50])
    sale = runtime.pay("cash")
    assert sale is not None and sale.totals.total == 150
    assert "acme" not in runtime.host.names
    assert problems_of(runtime, "acme") == [
        "plugin 'acme' was disabled: kiosk_payment_methods returned item [0] is "
        "'not a method' (str), not a PaymentMethod"
    ]
    assert {m.id for m in runtime.payment_methods()} >= {"cash", "card"}


def test_a_method_with_a_wrong_attribute_type_is_named_by_field(runtime):
    method = ScriptedMethod()
    method.max_amount = "lots"
    runtime.host.register(Plugin(kiosk_payment_methods=[method]), "acme")
    assert "scripted" not in {m.id for m in runtime.payment_methods()}
    [message] = problems_of(runtime, "acme")
    assert "kiosk_payment_methods" in message
    assert "PaymentMethod.max_amount is 'lots' (str), not int" in message


def test_a_receipt_section_returned_as_a_dict_is_dropped_and_the_receipt_prints(runtime):
    good = ReceiptSection("Points", ("+1 pt",))
    runtime.host.register(Plugin(kiosk_receipt_sections=[{"title": "Points"}]), "acme")
    runtime.host.register(Plugin(kiosk_receipt_sections=[good]), "points")
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.method("cash").changer.queue([100, 50])
    sale = runtime.pay("cash")
    lines = runtime.receipt_lines(sale)
    assert any("+1 pt" in line for line in lines)
    [message] = problems_of(runtime, "acme")
    assert "kiosk_receipt_sections returned item [0] is {'title': 'Points'} (dict)" in message
    assert "not a ReceiptSection" in message


def test_a_receipt_section_with_a_wrong_field_type_names_the_field(runtime):
    bad = ReceiptSection("Points", "+1 pt")  # a str where a tuple of lines belongs
    runtime.host.register(Plugin(kiosk_receipt_sections=[bad]), "acme")
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.method("cash").changer.queue([100, 50])
    runtime.receipt_lines(runtime.pay("cash"))
    [message] = problems_of(runtime, "acme")
    assert "ReceiptSection.lines is '+1 pt' (str), not a tuple of str" in message


def test_a_payment_result_with_reference_none_is_unknown_resolved_and_the_plugin_named(runtime):
    """GIVEN a method whose start returns PaymentResult(APPROVED, reference=None)
    WHEN the shopper pays with it THEN the payment is resolved by status/cancel (never a
    second start), the plugin is disabled with one message naming the field, and cash
    still sells."""
    method = ScriptedMethod(start=PaymentResult(Outcome.APPROVED, 150, reference=None))
    runtime.host.register(Plugin(kiosk_payment_methods=[method]), "acme")
    runtime.handle_scan(Scan(ONIGIRI))
    try:
        runtime.pay("scripted")
    except PaymentFailed as failed:
        assert failed.result.outcome is Outcome.CANCELLED
    else:
        raise AssertionError("an unclear payment must not complete the sale")
    assert method.calls == ["start", "status", "cancel"]  # resolved, never charged again
    [row] = runtime.ledger.for_sale(runtime.sale_id)
    assert row.state == PaymentState.CANCELLED
    assert problems_of(runtime, "acme") == [
        "plugin 'acme' was disabled: PaymentMethod.start (method 'scripted') returned "
        "PaymentResult.reference is None (NoneType), not str"
    ]
    runtime.method("cash").changer.queue([100, 50])
    assert runtime.pay("cash") is not None
