"""The business day (営業日) may start after midnight: sales, reports and "today" follow it."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from kiosk.backoffice.core import business_day
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.masterdata import service as masterdata
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.sales.models import SaleRow
from tests.backoffice.databases import sign_in
from tests.backoffice.helpers import event, post

FRIDAY = date(2026, 11, 20)


def test_function_a_moment_before_the_start_belongs_to_the_day_before():
    start = time(4, 0)
    assert business_day.business_date(datetime(2026, 11, 21, 3, 59, 59), start) == FRIDAY
    assert business_day.business_date(datetime(2026, 11, 21, 4, 0), start) == date(2026, 11, 21)
    assert business_day.business_date(datetime(2026, 11, 21, 0, 0), business_day.MIDNIGHT) == date(
        2026, 11, 21
    )


@pytest.mark.parametrize("value", ["4", "25:00", "04:00:30", "", None, "04:00+09:00"])
def test_function_a_malformed_start_is_refused_with_the_expected_form(bo_db, clock, value):
    with bo_db.transaction() as s, pytest.raises(InvalidInput, match="HH:MM"):
        masterdata.set_setting(s, business_day.SETTING, value, clock(), "manager")


def test_function_sales_after_midnight_count_for_the_previous_business_day(
    bo_db, client, clock, kiosk_token, staff
):
    with bo_db.transaction() as s:
        masterdata.set_setting(s, business_day.SETTING, "04:00", clock(), "manager")
    late = [
        datetime(2026, 11, 20, 23, 30),
        datetime(2026, 11, 21, 1, 30),
        datetime(2026, 11, 21, 3, 59),
    ]
    early = datetime(2026, 11, 21, 4, 0)
    assert (
        post(
            client, kiosk_token, [event(i, at) for i, at in enumerate([*late, early], start=1)]
        ).status_code
        == 200
    )

    with bo_db.reading() as s:
        dates = dict(s.query(SaleRow.completed_at, SaleRow.business_date))
        friday, saturday = reports.day_report(s, FRIDAY), reports.day_report(s, date(2026, 11, 21))
    assert [dates[at] for at in late] == [FRIDAY] * 3 and dates[early] == date(2026, 11, 21)
    assert (friday.sales, saturday.sales) == (3, 1)
    # the hours run from the day's start: 23:00 before the small hours, as they happened
    assert [hour for hour, _, _ in friday.by_hour] == [23, 1, 3]

    clock.now = datetime(2026, 11, 21, 2, 0)  # still Friday's business day
    sign_in(client, staff["attendant"])
    live = client.get("/api/v1/reports/day").json()
    assert live["day"] == "2026-11-20" and live["sales"] == 3
    assert "Today 本日 2026-11-20" in client.get("/").text


def test_function_changing_the_start_does_not_move_sales_already_dated(
    bo_db, client, clock, kiosk_token
):
    at = datetime(2026, 11, 21, 1, 30)
    post(client, kiosk_token, [event(1, at)])
    with bo_db.transaction() as s:
        masterdata.set_setting(s, business_day.SETTING, "04:00", clock(), "manager")
    post(client, kiosk_token, [event(2, at, n=2)])
    with bo_db.reading() as s:
        dated = [d for (d,) in s.query(SaleRow.business_date).order_by(SaleRow.kiosk_seq)]
    assert dated == [date(2026, 11, 21), FRIDAY]  # the first sale keeps the midnight dating
