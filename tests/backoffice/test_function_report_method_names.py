"""Report pages name a payment method by the names its sale documents kept (any plugin's,
a vendor's too), in the page's languages (English, then the Japanese gloss); a legacy
document (its tenders kept no names) names a built-in method by the frozen legacy table and
any other by its id. The data (JSON API, CSV) keeps the method ids.

GIVEN a day with a sale paid by a third-party method whose document names it, a legacy sale
paid by card, and a legacy sale paid by a third-party method WHEN a manager opens the daily
report and the Today page THEN each method is named as above.
"""

from __future__ import annotations

from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.reports.views import daily_csv_rows
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY, make_sale
from tests.backoffice.helpers import post
from tests.backoffice.test_function_returns import _event

PAYNOW = {"ja": "ペイナウ", "en": "PayNow wallet", "zh-Hans": "PayNow 钱包", "ko": "페이나우"}


def _document(n: int, method: str, names: dict[str, str] | None) -> dict:
    document = make_sale(n, DAY, method=method).to_document()
    [tender] = document["tenders"]
    if names is None:
        del tender["names"]  # recorded before tenders kept their names
    else:
        tender["names"] = names
    return document


def test_function_reports_name_methods_from_their_documents(
    client, bo_db, clock, kiosk_token, staff
):
    documents = [
        _document(1, "paynow", PAYNOW),
        _document(2, "card", None),
        _document(3, "oldwallet", None),
    ]
    events = [_event(i, "sale", d) for i, d in enumerate(documents, start=1)]
    assert post(client, kiosk_token, events).json()["applied"] == 3
    with bo_db.reading() as session:
        report = reports.day_report(session, DAY.date())
    assert report.tenders["paynow"]["names"] == PAYNOW
    assert {m for m, *_ in report.by_payment} == {"paynow", "card", "oldwallet"}
    assert {key for section, key, *_ in daily_csv_rows(report) if section == "payment"} == {
        "paynow",
        "card",
        "oldwallet",
    }  # the CSV keeps the ids
    sign_in(client, staff["manager"])
    daily = client.get(f"/reports/daily?day={DAY.date()}").text
    clock.now = DAY.replace(hour=12)
    for page in (daily, client.get("/").text):  # the daily report and Today (same tables)
        assert '<td class="t">PayNow wallet ペイナウ</td>' in page
        assert '<td class="t">Credit card クレジットカード</td>' in page  # legacy: frozen table
        assert '<td class="t">oldwallet</td>' in page  # legacy, never built in: its id
        assert "페이나우" not in page and "钱包" not in page  # only the page's languages
