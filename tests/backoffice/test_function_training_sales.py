"""Training sales (paid to a simulator) are kept apart and never reach the reports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.training.models import TrainingSaleRow
from kiosk.backoffice.training.service import training_count
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post


def training_event(seq: int, **kwargs) -> dict:
    made = event(seq, DAY + timedelta(minutes=seq), **kwargs)
    made["payload"]["training"] = True
    return made


def test_function_training_sales_are_stored_flagged_and_left_out_of_reports(
    client, bo_db, kiosk_token
):
    """GIVEN one real sale and two training sales from the same kiosk
    WHEN they are synced
    THEN all three are acknowledged in order, the training ones are kept in
    bo_training_sales, and the day and month reports count only the real sale."""
    real = event(2, DAY + timedelta(minutes=2))
    with bo_db.reading() as s:
        stock_before = dict(s.execute(select(ProductRow.sku, ProductRow.on_hand)).all())
    result = post(client, kiosk_token, [training_event(1), real, training_event(3)]).json()
    assert result["acked_through"] == 3 and result["applied"] == 3
    with bo_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(SaleRow)) == 1
        kept = s.scalars(select(TrainingSaleRow).order_by(TrainingSaleRow.kiosk_seq)).all()
        assert [row.kiosk_seq for row in kept] == [1, 3]
        assert all(row.document["training"] is True for row in kept)
        assert training_count(s, DAY.date()) == 2
        day = reports.day_report(s, DAY.date())
        assert day.sales == 1 and day.total == real["payload"]["total"]
        assert sum(amount for _m, _n, amount in day.by_payment) == real["payload"]["total"]
        month = reports.month_report(s, DAY.year, DAY.month)
        assert month.sales == 1 and month.total == real["payload"]["total"]
        pending_stock.settle(s)  # PostgreSQL: the real sale's take waits until settled
        stock_after = dict(s.execute(select(ProductRow.sku, ProductRow.on_hand)).all())
    real_skus = {line["sku"] for line in real["payload"]["lines"]}
    moved = {sku for sku in stock_after if stock_after[sku] != stock_before.get(sku)}
    assert moved <= real_skus  # training sales never move stock


def test_function_a_resent_training_sale_is_not_doubled(client, bo_db, kiosk_token):
    post(client, kiosk_token, [training_event(1, n=5)])
    again = post(client, kiosk_token, [training_event(2, n=5)]).json()
    assert again == {"acked_through": 2, "applied": 0, "duplicates": 1, "expected_seq": None}
    with bo_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(TrainingSaleRow)) == 1
