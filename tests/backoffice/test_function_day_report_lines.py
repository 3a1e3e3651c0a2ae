"""The daily report lists the day's discounts (by label) and its returns, one line each.

GIVEN a day with a sale that carries a coupon discount and a return of one unit
WHEN a manager opens the daily report (and the archive stores it)
THEN a "Discounts 値引" table names the discount in Japanese and English with its count and
sum, and a "Returns 返品" table shows the return's time, kiosk, number, sale, reason and refund.
"""

from __future__ import annotations

from kiosk.backoffice.reports.service import day_report
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY, make_sale
from tests.backoffice.helpers import post
from tests.backoffice.test_function_returns import _event, _return

COUPON = {"key": "coupon:C100", "kind": "coupon", "amount": -100, "label_ja": "100円引",
          "label_en": "100 yen off", "line_ids": [1], "source": "coupons"}  # fmt: skip


def test_function_the_daily_report_lists_discounts_and_returns(client, bo_db, kiosk_token, staff):
    with_coupon = make_sale(1, DAY).to_document()
    with_coupon["adjustments"] = [COUPON]
    plain = make_sale(2, DAY).to_document()
    post(client, kiosk_token, [_event(1, "sale", with_coupon), _event(2, "sale", plain)])
    document = _return(plain, {plain["lines"][0]["line_id"]: 1})
    assert post(client, kiosk_token, [_event(3, "return", document)]).json()["applied"] == 1
    with bo_db.reading() as session:
        report = day_report(session, DAY.date())
        live = day_report(session, DAY.date(), departments=False)
    assert report.discounts == [("100円引 100 yen off", 1, -100)]
    [(at, kiosk, no, sale_id, reason, refund)] = report.return_lines
    assert (kiosk, no, sale_id, reason, refund) == ("K01", 1, plain["sale_id"], "other",
                                                    document["total"])  # fmt: skip
    assert at == "11:00" and refund < 0
    assert live.discounts == [] and live.return_lines == []  # the live page does not need them
    sign_in(client, staff["manager"])
    page = client.get(f"/reports/daily?day={DAY.date()}").text
    assert 'id="discounts"' in page and "100円引 100 yen off" in page and "-100" in page
    assert 'id="return-lines"' in page and plain["sale_id"] in page
    assert "Other reason その他" in page  # the reason code as a label, not the id


def test_function_a_day_without_discounts_or_returns_says_none(client, kiosk_token, staff):
    """GIVEN a day with one plain sale WHEN the daily report is opened THEN "None なし"
    stands where the discounts and returns tables would be (the table_or_none macro)."""
    post(client, kiosk_token, [_event(1, "sale", make_sale(1, DAY).to_document())])
    sign_in(client, staff["manager"])
    page = client.get(f"/reports/daily?day={DAY.date()}").text
    assert '<p id="discounts" class="none">None なし</p>' in page
    assert '<p id="return-lines" class="none">None なし</p>' in page
    assert '<table id="discounts">' not in page
