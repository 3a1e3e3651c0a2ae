"""The public test helpers a vendor builds sales with (kiosk.testing.sales)."""

from __future__ import annotations

import pytest

from kiosk.domain.receipt import ReceiptSection
from kiosk.hookspecs import hookimpl
from kiosk.testing.sales import RICE, build_sale, kiosk_runtime


class Points:
    @hookimpl
    def kiosk_receipt_sections(self, sale):
        return [ReceiptSection("My points", (f"+{sale.total // 100} pt",))]


def test_build_sale_commits_a_paid_sale_with_my_plugin_on_the_receipt(tmp_path):
    with kiosk_runtime(tmp_path, plugins={"my_points": Points()}) as runtime:
        sale = build_sale(runtime, RICE)
        assert sale.total == 2480 and [t.method for t in sale.tenders] == ["card"]
        assert runtime.store.sale_exists(sale.sale_id)
        receipt = "\n".join(runtime.receipt_lines(sale))
        assert "My points" in receipt and "+24 pt" in receipt


def test_a_refused_code_is_one_clear_error(tmp_path):
    with kiosk_runtime(tmp_path) as runtime, pytest.raises(ValueError, match="'123' refused"):
        build_sale(runtime, "123")
