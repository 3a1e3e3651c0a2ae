"""GIVEN the screenshots' tax-free kiosk WHEN its week of tax-free purchases is made THEN each
record went through the plugin's own steps to the status the back-office picture shows, and
the kiosk's outbox holds the sales and every change of every record, in order."""

from __future__ import annotations

from datetime import date, datetime

from scripts.screenshot_store import Clock, Till, tax_free_sales

TODAY = date(2026, 12, 7)


def test_the_tax_free_kiosk_sends_every_status_the_page_shows(tmp_path) -> None:
    clock = Clock()
    till = Till(tmp_path / "kiosks", "K03", clock)
    tax_free_sales(till, clock, TODAY, [datetime(2026, 12, 7, 9, 15)])
    rows = till.taxfree.rows()
    assert [(r.sale_date.day, r.status) for r in rows] == [
        (1, "refunded"), (2, "confirmed"), (3, "voided"), (4, "pending"),
        (4, "needs_details"), (7, "pending"),
    ]  # fmt: skip
    refused = rows[3]
    assert refused.nta_receipt is None and refused.status_reason.startswith(
        "transmission rejected: record refused (422)"
    )
    assert all(r.nta_receipt for r in rows if r.status in ("refunded", "confirmed", "voided"))
    assert rows[0].refund_channel == "cash_counter"
    outbox = till.local.unsent_outbox(100)
    assert [r.seq for r in outbox] == sorted(r.seq for r in outbox)
    assert sum(r.kind == "sale" for r in outbox) == 6
    last = {r.aggregate_id: r.payload["status"] for r in outbox if r.kind == "tax_free_record"}
    assert last == {r.record_id: r.status for r in rows}  # the back office sees where each ended
    till.local.engine.dispose()
