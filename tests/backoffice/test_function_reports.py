"""Reports: today by hour/kiosk/payment/tax, monthly, P&L, settlement, CSV and charts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.settlement import service as settlement
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY, make_sale
from tests.backoffice.helpers import event, post
from tests.backoffice.test_function_returns import _event, _return
from tests.factories import BEER, ONIGIRI, SOAP, TEA


@pytest.fixture
def day_of_sales(client, bo_db, clock, kiosk_token):
    """Two kiosks; K01 sells at 09:xx and 10:xx, K02 once at 11:00, one sale the next day."""
    with bo_db.transaction() as s:
        k2 = enrol_kiosk(s, "K02", clock())
        for p, cost in ((ONIGIRI, 90), (TEA, 70), (BEER, 150), (SOAP, 100)):
            s.add(
                ProductRow(
                    sku=p.sku,
                    name_ja=p.name_ja,
                    price=p.price,
                    cost=cost,
                    tax=p.tax.value,
                    department=p.department,
                    on_hand=50,
                )
            )
    assert (
        post(
            client,
            kiosk_token,
            [
                event(i, DAY + timedelta(minutes=25 * i), method="cash" if i % 2 else "paypay")
                for i in range(1, 5)
            ],
        ).status_code
        == 200
    )
    post(client, k2, [event(1, DAY.replace(hour=11), n=9, kiosk_id="K02", method="cash")])
    post(client, kiosk_token, [event(5, DAY + timedelta(days=1))])
    clock.now = DAY.replace(hour=12)


def test_function_day_report_splits_by_hour_kiosk_payment_and_tax(day_of_sales, bo_db):
    with bo_db.reading() as s:
        r = reports.day_report(s, DAY.date())
    assert r.sales == 5
    assert [h for h, _, _ in r.by_hour] == [9, 10, 11]
    assert sum(n for _, n, _ in r.by_hour) == 5
    assert {k: n for k, n, _ in r.by_kiosk} == {"K01": 4, "K02": 1}
    assert {m for m, _, _ in r.by_payment} == {"cash", "paypay"}
    assert sum(a for _, _, a in r.by_payment) == r.total
    assert (
        sum(g for _, g, _ in r.by_tax) == r.total and sum(t for _, _, t in r.by_tax) == r.tax_total
    )
    assert {d for d, _, _ in r.by_department} >= {"food", "household"}


def test_function_live_api_follows_sales_as_they_arrive(day_of_sales, client, staff, kiosk_token):
    sign_in(client, staff["attendant"])
    before = client.get("/api/v1/reports/day").json()
    post(client, kiosk_token, [event(6, DAY.replace(hour=11, minute=30), n=6)])
    after = client.get("/api/v1/reports/day").json()
    assert after["sales"] == before["sales"] + 1 and after["total"] > before["total"]


def test_function_month_report_has_every_day(day_of_sales, bo_db):
    with bo_db.reading() as s:
        m = reports.month_report(s, 2026, 11)
    assert len(m.days) == 30 and m.sales == 6
    assert [d["sales"] for d in m.days if d["sales"]] == [5, 1]


def test_function_a_month_in_progress_lists_the_days_so_far(day_of_sales, bo_db):
    """GIVEN the clock on 11-20 and a sale already dated 11-21 WHEN the month is reported
    THEN 11-01 … 11-21 are listed (past days without sales as zero rows, the dated sale
    kept), the days still to come are not; a past month has every day, a future month none."""
    with bo_db.reading() as s:
        m = reports.month_report(s, 2026, 11, date(2026, 11, 20))
        past = reports.month_report(s, 2026, 10, date(2026, 11, 20))
        future = reports.month_report(s, 2026, 12, date(2026, 11, 20))
    assert [d["day"] for d in m.days] == [f"2026-11-{n:02d}" for n in range(1, 22)]
    assert m.days[0] == {"day": "2026-11-01"} | dict.fromkeys(reports.MONTH_COLUMNS, 0)
    assert m.sales == 6
    assert len(past.days) == 31 and future.days == []


def test_function_the_month_counts_returns_apart_from_sales(client, bo_db, kiosk_token, staff):
    """GIVEN a sale on 11-20 and, on 11-22, only a return of one of its units WHEN the month
    is reported THEN 11-22 shows no sale, one return and its refund, its total is the
    refund, as the daily report of that day says; the month's total is net."""
    sale = make_sale(2, DAY).to_document()
    document = _return(sale, {sale["lines"][0]["line_id"]: 1})
    document["completed_at"] = (DAY + timedelta(days=2)).isoformat()
    post(client, kiosk_token, [_event(1, "sale", sale), _event(2, "return", document)])
    refund = document["total"]
    with bo_db.reading() as s:
        m = reports.month_report(s, 2026, 11)
        daily = reports.day_report(s, date(2026, 11, 22))
    returned = m.days[21]
    assert returned["day"] == "2026-11-22" and refund < 0
    assert (returned["sales"], returned["returns"], returned["refunds"], returned["total"]) == (
        0, 1, refund, refund,
    )  # fmt: skip
    assert (daily.sales, daily.returns, daily.total) == (0, 1, refund)
    assert m.days[19]["sales"] == 1 and m.days[19]["returns"] == 0
    assert (m.sales, m.returns, m.refunds, m.total) == (1, 1, refund, sale["total"] + refund)
    sign_in(client, staff["manager"])
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/reports/monthly.csv", params={"month": "2026-11"}).text.lstrip(
                    "\ufeff"
                )
            )
        )
    )
    row = csv_rows[21]
    assert [row[c] for c in ("day", "sales", "returns", "refunds", "total")] == [
        "2026-11-22", "0", "1", str(refund), str(refund),
    ]  # fmt: skip
    page = client.get("/reports/monthly", params={"month": "2026-11"}).text
    assert "Returns 返品" in page and "Refunds ¥ 返金" in page


def test_function_profit_and_loss_by_department(day_of_sales, bo_db):
    with bo_db.reading() as s:
        lines = reports.profit_and_loss(s, date(2026, 11, 1), date(2026, 11, 30))
    food = next(x for x in lines if x.department == "food")
    assert food.net == food.revenue - food.tax and food.cost_of_sales > 0
    assert food.gross_profit == food.net - food.cost_of_sales - food.shrinkage


def test_function_settlement_shows_the_discrepancy(day_of_sales, bo_db, clock):
    """GIVEN cash sales WHEN staff count ¥10 short THEN the discrepancy is −10, audited."""
    with bo_db.transaction() as s:
        cash = settlement.cash_sales(s, "K01", DAY.date())
        expected = 30_000 + cash
        counts = {10000: 3, 1: expected - 30_000 - 10}
        row = settlement.settle(s, "K01", DAY.date(), counts, 30_000, clock(), "manager")
    assert cash > 0 and row.expected_cash == expected and row.discrepancy == -10
    with pytest.raises(settlement.InvalidInput):
        settlement.count_value({3000: 1})


def test_function_settlement_rows_take_each_kiosks_cash_in_one_query(day_of_sales, bo_db):
    """GIVEN two kiosks' cash and PayPay sales WHEN the settlement table is made THEN each
    kiosk's cash sales are what cash_sales says for it, asked of the database once."""
    from sqlalchemy import event as sa_event

    from kiosk.backoffice.settlement.views import settlement_rows

    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with bo_db.reading() as s:
        per_kiosk = {k: settlement.cash_sales(s, k, DAY.date()) for k in ("K01", "K02")}
        engine = s.get_bind()
        sa_event.listen(engine, "before_cursor_execute", seen)
        try:
            rows = settlement_rows(s, DAY.date())
        finally:
            sa_event.remove(engine, "before_cursor_execute", seen)
    assert {row[0]: row[1] for row in rows} == per_kiosk
    assert per_kiosk["K01"] > 0 and per_kiosk["K02"] > 0
    assert sum("bo_sale_payments" in st for st in statements) == 1


def test_function_reports_as_html_csv_and_svg(day_of_sales, client, staff):
    sign_in(client, staff["manager"])
    page = client.get("/reports/daily", params={"day": "2026-11-20"})
    assert page.status_code == 200 and "<svg" in page.text and "By tax rate" in page.text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/reports/daily.csv", params={"day": "2026-11-20"}).text.lstrip("\ufeff")
            )
        )
    )
    assert rows[0] == ["section", "key", "count", "amount"] and rows[1][2] == "5"
    monthly = (
        client.get("/reports/monthly.csv", params={"month": "2026-11"})
        .text.lstrip("\ufeff")
        .splitlines()
    )
    assert len(monthly) == 22  # the header, 11-01 … 11-20 (today) and 11-21's sale
    assert "<svg" in client.get("/reports/monthly", params={"month": "2026-11"}).text
    assert client.get("/reports/pl", params={"month": "2026-11"}).status_code == 200
    settle = client.post(
        "/settlement",
        data={"day": "2026-11-20", "kiosk_id": "K02", "float_amount": "0", "d1000": "1"},
        follow_redirects=False,
    )
    assert settle.status_code == 303
    assert "not settled" in client.get("/settlement", params={"day": "2026-11-20"}).text
