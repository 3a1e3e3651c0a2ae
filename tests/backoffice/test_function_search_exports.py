"""電子帳簿保存法 search (date, amount, counterparty; combined) and the accounting CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta

import pytest

from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.exports import service as exports
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post


@pytest.fixture
def sales(client, kiosk_token):
    """Ten sales on ten days; every third one by member M-3."""
    events = [
        event(i, DAY + timedelta(days=i), member_id="M-3" if i % 3 == 0 else None)
        for i in range(1, 11)
    ]
    assert post(client, kiosk_token, events).status_code == 200
    return events


def totals(events, pick) -> list[int]:
    return sorted(
        e["payload"]["total"]
        for i, e in enumerate(events, start=1)
        if pick(i, e["payload"]["total"])
    )


def run(bo_db, **kwargs):
    with bo_db.reading() as s:
        found, rows = exports.search(s, exports.SearchQuery(**kwargs))
    return found, sorted(r.total for r in rows)


def test_function_search_by_each_key_and_combined(sales, bo_db):
    assert run(bo_db, date_from=date(2026, 11, 22), date_to=date(2026, 11, 24))[0] == 3
    low, high = 300, 700
    found, got = run(bo_db, amount_min=low, amount_max=high)
    assert got == totals(sales, lambda i, t: low <= t <= high) and found == len(got)
    assert run(bo_db, counterparty="M-3")[0] == 3
    found, got = run(bo_db, date_from=date(2026, 11, 23), amount_min=low, counterparty="M-3")
    assert got == totals(sales, lambda i, t: i % 3 == 0 and i >= 3 and t >= low)


def test_function_search_refuses_backwards_ranges(bo_db):
    with bo_db.reading() as s, pytest.raises(InvalidInput):
        exports.search(s, exports.SearchQuery(amount_min=10, amount_max=1))


def test_function_search_page_api_and_csv(sales, client, staff):
    sign_in(client, staff["manager"])
    params = {"date_from": "2026-11-21", "date_to": "2026-11-30", "counterparty": "M-3"}
    assert client.get("/api/v1/search", params=params).json()["total"] == 3
    page = client.get("/search", params=params)
    assert '<span id="hits">3</span>' in page.text
    rows = list(
        csv.reader(io.StringIO(client.get("/search.csv", params=params).text.lstrip("\ufeff")))
    )
    assert len(rows) == 4 and rows[0][0] == "completed_at"


def test_function_accounting_csv_balances_per_slip(sales, client, staff):
    sign_in(client, staff["manager"])
    text = client.get(
        "/exports/accounting.csv", params={"date_from": "2026-11-01", "date_to": "2026-11-30"}
    ).text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and set(rows[0]) == set(exports.JOURNAL_COLUMNS)
    balance: dict[str, int] = defaultdict(int)
    for r in rows:
        balance[r["slip_no"]] += int(r["amount"]) if r["debit_account"] else -int(r["amount"])
    assert len(balance) == 10 and set(balance.values()) == {0}
    assert sum(int(r["amount"]) for r in rows if r["credit_account"] == "売上高") == sum(
        e["payload"]["total"] for e in sales
    )


def test_function_an_export_without_its_dates_is_one_clear_error(sales, client, staff):
    """GIVEN a manager WHEN /exports/accounting.csv is asked without its dates THEN a page
    naming the missing parameters in four languages, not FastAPI's raw JSON list."""
    sign_in(client, staff["manager"])
    page = client.get("/exports/accounting.csv")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "date_from" in page.text and '"detail"' not in page.text
    assert "正しくありません" in page.text
