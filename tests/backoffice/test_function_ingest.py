"""Ingest: idempotent by sale UUID and seq, ordered per kiosk, authenticated."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.sales.models import KioskEventRow, SaleLineRow, SaleRow
from kiosk.backoffice.staff.auth import enrol_kiosk, revoke_kiosk
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post


def count(bo_db, model) -> int:
    with bo_db.reading() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_function_a_batch_is_stored_and_acknowledged(client, bo_db, kiosk_token):
    """GIVEN three sales WHEN posted THEN stored with lines and acked through seq 3."""
    response = post(client, kiosk_token, [event(i, DAY + timedelta(minutes=i)) for i in (1, 2, 3)])
    assert response.json() == {
        "acked_through": 3,
        "applied": 3,
        "duplicates": 0,
        "expected_seq": None,
    }
    assert count(bo_db, SaleRow) == 3 and count(bo_db, SaleLineRow) >= 3


def test_function_a_resent_batch_is_acknowledged_but_not_doubled(client, bo_db, kiosk_token):
    """GIVEN a batch already stored (its answer was lost) WHEN resent THEN acked, not written."""
    events = [event(i, DAY) for i in (1, 2)]
    post(client, kiosk_token, events)
    again = post(client, kiosk_token, [*events, event(3, DAY)]).json()
    assert again["acked_through"] == 3 and again["applied"] == 1 and again["duplicates"] == 2
    assert count(bo_db, SaleRow) == 3


def test_function_a_gap_is_refused_with_the_expected_seq(client, bo_db, kiosk_token):
    """GIVEN seq 1 stored WHEN seq 3 comes next THEN 409 naming seq 2, nothing written."""
    post(client, kiosk_token, [event(1, DAY)])
    response = post(client, kiosk_token, [event(3, DAY)])
    assert response.status_code == 409 and response.json()["expected_seq"] == 2
    assert count(bo_db, SaleRow) == 1


def test_function_a_gap_inside_a_batch_stops_there(client, bo_db, kiosk_token):
    result = post(client, kiosk_token, [event(1, DAY), event(2, DAY), event(4, DAY)]).json()
    assert result["acked_through"] == 2 and result["expected_seq"] == 3
    assert count(bo_db, SaleRow) == 2


def test_function_the_same_sale_under_a_new_seq_is_not_doubled(client, bo_db, kiosk_token):
    """A re-imaged kiosk resending an old sale under a new seq: unique by sale UUID."""
    post(client, kiosk_token, [event(1, DAY, n=7)])
    result = post(client, kiosk_token, [event(2, DAY, n=7)]).json()
    assert result == {"acked_through": 2, "applied": 0, "duplicates": 1, "expected_seq": None}
    assert count(bo_db, SaleRow) == 1


def test_function_other_events_are_kept(client, bo_db, kiosk_token):
    post(
        client,
        kiosk_token,
        [{"seq": 1, "event_id": "e-1", "kind": "void", "payload": {"why": "x"}}],
    )
    assert count(bo_db, KioskEventRow) == 1


def test_function_kiosks_cannot_post_for_each_other(client, bo_db, clock, kiosk_token):
    with bo_db.transaction() as s:
        other = enrol_kiosk(s, "K02", clock())
    response = post(client, other, [event(1, DAY, kiosk_id="K01")])
    assert response.status_code == 422


def test_function_revoked_and_unknown_tokens_are_refused(client, bo_db, clock, kiosk_token):
    assert post(client, "K99.secret", [event(1, DAY)]).status_code == 401
    assert post(client, kiosk_token + "x", [event(1, DAY)]).status_code == 401
    with bo_db.transaction() as s:
        revoke_kiosk(s, "K01", clock(), "test")
    response = post(client, kiosk_token, [event(1, DAY)])
    assert response.status_code == 403 and "revoked" in response.json()["detail"]


def test_function_tokens_are_stored_hashed(bo_db, kiosk_token):
    with bo_db.reading() as s:
        row = s.get(KioskRow, "K01")
    secret = kiosk_token.split(".", 1)[1]
    assert secret not in row.token_hash and len(row.token_hash) == 64


def test_function_sales_take_stock_down(client, bo_db, clock, kiosk_token):
    from tests.factories import ONIGIRI

    with bo_db.transaction() as s:
        s.add(ProductRow(sku=ONIGIRI.sku, name_ja="おにぎり", price=150, on_hand=20))
    post(client, kiosk_token, [event(1, DAY, n=4)])  # sale n=4 is 2 × ONIGIRI
    with bo_db.reading() as s:
        pending_stock.settle(s)  # PostgreSQL: the take waits in bo_stock_pending until then
        assert s.get(ProductRow, ONIGIRI.sku).on_hand == 18


def test_function_a_full_batch_is_stored_column_for_column(client, bo_db, kiosk_token):
    """GIVEN 40 sales in one batch (enough for PostgreSQL's COPY path)
    WHEN posted THEN every sale, line and payment is stored with the document's figures."""
    from kiosk.backoffice.sales.models import SalePaymentRow

    events = [event(i, DAY + timedelta(minutes=i)) for i in range(1, 41)]
    assert post(client, kiosk_token, events).json()["applied"] == 40
    docs = {e["payload"]["sale_id"]: e["payload"] for e in events}
    with bo_db.reading() as s:
        rows = s.scalars(select(SaleRow).order_by(SaleRow.kiosk_seq)).all()
        assert [r.kiosk_seq for r in rows] == list(range(1, 41))
        for row in rows:
            doc = docs[row.sale_id]
            assert row.document == doc and row.total == doc["total"]
            assert row.kiosk_id == "K01" and row.receipt_no == doc["receipt_no"]
            assert row.tax_total == sum(r["tax_amount"] for r in doc["rates"])
        lines = sum(len([x for x in d["lines"] if not x.get("voided")]) for d in docs.values())
        assert s.scalar(select(func.count()).select_from(SaleLineRow)) == lines
        payments = s.scalar(select(func.count()).select_from(SalePaymentRow))
        assert payments == sum(len(d["tenders"]) for d in docs.values())
        paid = s.scalar(select(func.sum(SalePaymentRow.amount)))
        assert paid == sum(d["total"] for d in docs.values())


def test_function_another_kind_sees_the_sales_before_it(client, bo_db, kiosk_token):
    """GIVEN sale 1, a 'probe' event 2 whose handler counts the stored sales, and sale 3
    WHEN posted in one batch THEN the handler saw exactly sale 1 (events apply in seq order)."""
    from kiosk.backoffice.core import event_handlers

    seen: list[int] = []

    def probe(session, kiosk, ev, now) -> None:
        seen.append(session.scalar(select(func.count()).select_from(SaleRow)))

    event_handlers.handles("probe")(probe)
    try:
        batch = [
            event(1, DAY),
            {"seq": 2, "event_id": "p-2", "kind": "probe", "payload": {}},
            event(3, DAY),
        ]
        assert post(client, kiosk_token, batch).json()["acked_through"] == 3
    finally:
        event_handlers._handlers.pop("probe", None)
    assert seen == [1] and count(bo_db, SaleRow) == 2


def test_function_the_kiosks_page_shows_last_seen_to_the_second(client, kiosk_token, clock, staff):
    """GIVEN a kiosk that synced at 09:00:01.5 WHEN a manager opens Kiosks THEN it reads
    09:00:01 (no microseconds), 有効 beside active."""
    clock.advance(seconds=1.5)
    assert post(client, kiosk_token, [event(1, clock())]).status_code == 200
    sign_in(client, staff["manager"])
    page = client.get("/kiosks").text
    assert "2026-11-20 09:00:01<" in page and "09:00:01.5" not in page
    assert "active 有効" in page
