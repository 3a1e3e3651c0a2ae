"""A sale's plugin receipt sections go to the back office, for the e-receipt page.

GIVEN a plugin that adds a receipt section (as loyalty and tax-free do)
WHEN a sale completes
THEN the outbox holds, after the sale, one ``receipt_sections`` event under the id derived
from the sale id, carrying the same sections the paper receipt prints; a sale no plugin
adds a section to, or a training sale, sends none.
"""

from __future__ import annotations

from kiosk.domain.receipt import ReceiptSection
from kiosk.domain.receipt_sections import KIND, sections_event_id, sections_from_payload
from kiosk.hookspecs import hookimpl
from kiosk.testing.sales import RICE, build_sale, kiosk_runtime


class Points:
    @hookimpl
    def kiosk_receipt_sections(self, sale):
        return [ReceiptSection("My points", (f"+{sale.total // 100} pt", "balance 340 pt"))]


def real_sale(runtime):
    """A sale as a store makes it: the simulators would make it a training one."""
    runtime.training = False
    return build_sale(runtime, RICE)


def test_the_sections_travel_after_the_sale_under_its_derived_id(tmp_path):
    with kiosk_runtime(tmp_path, plugins={"my_points": Points()}) as runtime:
        sale = real_sale(runtime)
        outbox = runtime.store.unsent_outbox(100)
        kinds = [row.kind for row in outbox]
        assert kinds.index("sale") < kinds.index(KIND)
        sent = next(row for row in outbox if row.kind == KIND)
        assert sent.event_id == sections_event_id(sale.sale_id)
        assert sent.payload["sale_id"] == sale.sale_id
        assert sections_from_payload(sent.payload) == runtime.receipt(sale).sections


def test_a_sale_without_sections_sends_none(tmp_path):
    with kiosk_runtime(tmp_path) as runtime:
        real_sale(runtime)
        assert KIND not in [row.kind for row in runtime.store.unsent_outbox(100)]


def test_a_training_sale_sends_no_sections(tmp_path):
    """Practice: only the training sale itself goes to the back office."""
    with kiosk_runtime(tmp_path, plugins={"my_points": Points()}) as runtime:
        assert build_sale(runtime, RICE).training
        assert KIND not in [row.kind for row in runtime.store.unsent_outbox(100)]


def test_a_failure_queueing_the_sections_never_fails_the_paid_sale(tmp_path, monkeypatch, caplog):
    """The sale is committed before its sections are made: if queueing them fails, the sale
    stands (paid, in the outbox) and the problem is logged; only the e-receipt lacks them."""

    def broken(sale_id, sections):
        raise OSError("disk full")

    monkeypatch.setattr("kiosk.runtime.runtime.sections_payload", broken)
    with kiosk_runtime(tmp_path, plugins={"my_points": Points()}) as runtime:
        sale = real_sale(runtime)
        assert runtime.store.sale_exists(sale.sale_id)
        kinds = [row.kind for row in runtime.store.unsent_outbox(100)]
        assert "sale" in kinds and KIND not in kinds
    assert "receipt sections of sale" in caplog.text


class CountingPoints(Points):
    """Points that count how often they are asked (a balance looked up each time)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    @hookimpl
    def kiosk_receipt_sections(self, sale):
        self.asked.append(sale.sale_id)
        return super().kiosk_receipt_sections(sale)


def test_a_plugins_sections_are_made_once_per_sale(tmp_path):
    """GIVEN a plugin adding a receipt section WHEN a sale completes, its sections go to the
    back office, the screen shows the receipt and the paper prints it twice THEN the plugin
    was asked once for that sale, and every copy shows what it answered then."""
    plugin = CountingPoints()
    with kiosk_runtime(tmp_path, plugins={"my_points": plugin}) as runtime:
        sale = real_sale(runtime)
        shown = runtime.receipt(sale)
        printed = [runtime.receipt_lines(sale), runtime.receipt_lines(sale)]
        sent = next(row for row in runtime.store.unsent_outbox(100) if row.kind == KIND)
        assert plugin.asked == [sale.sale_id]
        assert sections_from_payload(sent.payload) == shown.sections
        assert printed[0] == printed[1] and "My points" in "\n".join(printed[0])
        # the next shopper's sale is asked for its own, once
        runtime.finish()
        second = real_sale(runtime)
        runtime.receipt(second)
        assert plugin.asked == [sale.sale_id, second.sale_id]
        # a reprint of the earlier sale asks the plugin again: the sections are not kept
        assert runtime.receipt(sale).sections == shown.sections
        assert plugin.asked == [sale.sale_id, second.sale_id, sale.sale_id]
