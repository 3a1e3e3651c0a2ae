"""GIVEN a sale paid with a vendor's method (examples/kiosk-pay-example, its names in its own
catalogue) WHEN its receipt is reprinted or its return invoice printed from the stored
documents THEN the method is named as on the live receipt — by the installed plugin, in
Japanese and Chinese — and, with the plugin gone, by the names the sale document kept; a
document that kept none prints the id. The core has no table of method names."""

from __future__ import annotations

from kiosk_pay_example import Plugin as HouseCardPlugin

from kiosk.domain.returns import plan_return
from kiosk.runtime.returns import kiosk_returns
from kiosk.testing.sales import ONIGIRI, build_sale, kiosk_runtime
from tests.returns.test_function_return_plan import _document

METHOD = "example_house_card"
NAMES = {"ja": "ハウスカード", "zh-Hans": "本店专用卡"}


def _paper(lines) -> str:
    return "\n".join(lines)


def test_a_vendors_method_is_named_on_reprints_by_its_plugin_then_by_the_sale(tmp_path):
    receipts: dict[str, int] = {}
    with kiosk_runtime(tmp_path, plugins={"example_pay": HouseCardPlugin()}) as runtime:
        for language, name in NAMES.items():
            runtime.set_language(language)
            sale = build_sale(runtime, ONIGIRI, method=METHOD)
            runtime.finish()
            receipts[language] = sale.receipt_no
            [document] = runtime.recent_sales(1)
            assert document["tenders"][0]["names"][language] == name  # kept at the payment
            again = runtime.issue_formal_receipt("", "", receipt_no=sale.receipt_no)
            assert again.reprint is False and name in _paper(again.lines)
            assert METHOD not in _paper(again.lines)
            # its return invoice, from the return document, names the refund the same way
            plan = plan_return(document, {1: 1}, return_id="r", reason="other", staff_id="S1")
            invoice = kiosk_returns(runtime).receipt_lines(_document(plan))
            assert name in _paper(invoice) and METHOD not in _paper(invoice)

    with kiosk_runtime(tmp_path) as runtime:  # the vendor's plugin is no longer installed
        for language, name in NAMES.items():
            again = runtime.issue_formal_receipt("", "", receipt_no=receipts[language])
            assert again.reprint and name in _paper(again.lines)
        # a document from before the names were kept: the id, as no one can say better
        [document] = runtime.recent_sales(1)
        for tender in document["tenders"]:
            del tender["names"]
        plan = plan_return(document, {1: 1}, return_id="r", reason="other", staff_id="S1")
        assert METHOD in _paper(kiosk_returns(runtime).receipt_lines(_document(plan)))
