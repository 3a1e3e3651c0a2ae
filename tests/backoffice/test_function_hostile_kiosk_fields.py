"""Every text a kiosk supplies reaches every page escaped, and every CSV cell neutralised.

GIVEN a kiosk (its token holder) that puts a hostile string in every free-text field of a sale
(sku, GTIN, names, department, void and approval fields, payment method, ids, references) and
of a console report (alert detail, basket line, device health, transitions)
WHEN an admin opens every page that shows sales or kiosks, and downloads the CSVs
THEN the string is shown as text (never markup: no new element, no attribute) and no CSV cell
starts with a formula.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
from markupsafe import escape as esc

from kiosk.backoffice.archive.service import DAILY, Period, archive
from kiosk.domain.report_section import ReportSection
from tests.backoffice.databases import sign_in
from tests.backoffice.helpers import event, post

HOSTILE = (
    "<script>alert(1)</script>",
    '"onmouseover=alert(1) x="',
    "=cmd|' /C calc'!A0",
)
LINE_FIELDS = ("sku", "gtin", "name_ja", "name_en", "department", "void_reason", "voided_by",
               "age_approved_by")  # fmt: skip
TENDER_FIELDS = ("method", "payment_id", "reference", "masked")
SALE_FIELDS = ("staff_id", "member_id")  # language: 16 characters, a code never shown


def hostile_sale(clock, payload: str) -> dict:
    sale = event(1, clock())
    document = sale["payload"]
    for field in SALE_FIELDS:
        document[field] = payload
    for line in document["lines"]:
        line.update(dict.fromkeys(LINE_FIELDS, payload))
    for tender in document["tenders"]:
        tender.update(dict.fromkeys(TENDER_FIELDS, payload))
    return sale


def hostile_report(payload: str) -> dict:
    return {
        "state": "needs_attendant",
        "role": "payment",
        "mode": "open",
        "health": {payload: payload},
        "alerts": [{"kind": "age_restricted", "detail": payload}],
        "lines": [{"line_id": 1, "sku": payload, "name": payload, "quantity": 1, "amount": 100}],
        "transitions": [{"old": payload[:20], "new": payload[:20], "trigger": payload}],
        "audit": [{"staff_id": payload, "action": "approve_age", "detail": payload, "ok": True}],
    }


def markup_of(payload: str) -> list[str]:
    """What the payload would add to a document if it went in unescaped."""
    return [p for p in ("<script>alert(1)</script>", '"onmouseover=') if p in payload]


@pytest.mark.parametrize("payload", HOSTILE)
def test_function_hostile_kiosk_text_is_escaped_on_every_page(
    client, staff, kiosk_token, clock, bo_db, payload
):
    auth = {"Authorization": f"Bearer {kiosk_token}"}
    accepted = post(client, kiosk_token, [hostile_sale(clock, payload)])
    assert accepted.status_code == 200, accepted.text[:300]
    report = client.post("/api/v1/console/report", json=hostile_report(payload), headers=auth)
    assert report.status_code == 200, report.text[:300]
    sign_in(client, staff["admin"])
    day = clock().date().isoformat()
    query = quote(payload)  # what a manager types is reflected on these pages too
    pages = (
        "/", f"/reports/daily?day={day}", "/reports/monthly", "/reports/pl", "/search",
        f"/search?counterparty={query}", "/console", "/console/audit", "/kiosks", "/audit",
        "/returns?kiosk_id=K01&receipt_no=1", f"/returns?sale_id={query}",
        f"/returns?date={day}", "/customers", "/campaigns", "/loyalty", "/tax-free",
        f"/settlement?day={day}", "/inventory", "/masterdata", "/staff", "/reports/archive",
    )  # fmt: skip
    shown = 0
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        for markup in markup_of(payload):
            assert markup not in response.text, path
        shown += esc(payload) in response.text
    assert shown >= 3  # the payload is there, as text (Today, the daily report, the search)
    # the archived daily report (a stored document), with a plugin's report section too
    with bo_db.transaction() as session:
        period = Period(DAILY, day, clock().date(), 1, 0)
        section = ReportSection(payload, (payload,), ((payload,),), note=payload)
        archive(session, period, clock(), sections=lambda report: [section])
    stored = client.get(f"/reports/archive/daily/{day}.html").text
    for markup in markup_of(payload):
        assert markup not in stored
    assert stored.count(str(esc(payload))) >= 2  # the kiosk's text and the section, as text
    snapshot = client.get("/console/snapshot").json()  # the console draws it with textContent
    assert snapshot["kiosks"][0]["alerts"][0]["detail"] == payload


@pytest.mark.parametrize("path", ["/search.csv", "/reports/daily.csv?day={day}"])
def test_function_hostile_kiosk_text_is_neutralised_in_csv(client, staff, kiosk_token, clock, path):
    formula = HOSTILE[2]
    assert post(client, kiosk_token, [hostile_sale(clock, formula)]).status_code == 200
    sign_in(client, staff["admin"])
    text = client.get(path.format(day=clock().date().isoformat())).text.lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + formula in cells  # it is there, neutralised
    assert not [c for c in cells if re.match(r"[=+\-@]", c) and not c.lstrip("-").isdigit()]
