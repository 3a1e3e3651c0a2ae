"""End to end: a manager signs in to the back office (a real uvicorn process) in headless
Chromium, opens the customers list, one member and the campaign report.

The data is the hand-worked store of tests/backoffice/test_function_customers.py, delivered
through the kiosk sync API and moved to end today. Each page is rendered to a PNG (a rendering
failure fails the test); the committed backoffice-customers*.png pictures are written by
scripts/screenshots_backoffice.py, the one writer of every back-office picture.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx
from sqlalchemy import select

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.core import extensions
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.masterdata.service import set_setting
from tests.backoffice.test_function_customers import NOVEMBER, NOW, M, the_store
from tests.e2e.conftest import signed_in_page


def shot(page, name: str) -> None:
    """The page renders (``name``: the picture scripts/screenshots_backoffice.py keeps)."""
    assert page.screenshot(full_page=True).startswith(b"\x89PNG"), name


def deliver_the_store(backoffice, shift: timedelta) -> None:
    """The store's outbox, every sale moved by ``shift`` (whole days keep every RFM score)."""
    box = the_store()
    for event in box.events:
        if event["kind"] == "sale":
            at = datetime.fromisoformat(event["payload"]["completed_at"]) + shift
            event["payload"]["completed_at"] = at.isoformat()
    response = httpx.post(
        f"{backoffice.url}/api/v1/sync/outbox",
        json={"events": box.events},
        headers={"Authorization": f"Bearer {backoffice.tokens['K01']}"},
        timeout=30,
    )
    assert response.status_code == 200 and response.json()["applied"] == len(box.events), (
        response.text
    )
    # "coupons" is the coupons plugin's section: this process checks it as the server does
    extensions.install(extensions.collect(extensions.builtin_host()))
    db = Database(backoffice.db_url, migrate=False)
    try:
        with db.transaction() as session:
            coupons = [
                {
                    "id": "BDAY",
                    "label_ja": "誕生日クーポン",
                    "members": [M["MB"], M["MC"], "MX0000000099"],
                },
                {"id": "C100", "label_ja": "100円引", "issued": 10},
            ]
            set_setting(session, "coupons", coupons, datetime.now(), "e2e")
    finally:
        db.close()


def test_function_manager_opens_customers_a_member_and_the_campaign_report(backoffice, browser):
    shift = timedelta(days=(date.today() - NOW.date()).days)
    deliver_the_store(backoffice, shift)
    page = signed_in_page(browser, backoffice.url, "manager", width=1280, height=900)

    # GIVEN the manager WHEN they open Customers THEN 8 members in their segments, masked
    page.click("header a[href='/customers']")
    page.wait_for_selector("#member-count")
    assert page.inner_text("#member-count") == "8"
    assert page.inner_text("#segments [data-segment=loyal] b") == "3"
    members = page.inner_text("#members")
    assert "****0001" in members and M["MA"] not in members
    shot(page, "backoffice-customers")

    # WHEN they sort by spend and open the top member THEN MA's history, visits per month
    page.click("a[data-sort=spend]")
    page.wait_for_url("**/customers?sort=spend*")
    page.click("#members tbody tr:first-child a")
    page.wait_for_selector("#purchases")
    assert page.inner_text("#visits") == "6" and page.inner_text("#segment") == "Loyal 常連"
    assert page.locator("#purchases tbody tr").count() == 6
    assert "C100" in page.inner_text("#purchases")
    shot(page, "backoffice-customers-member")

    # WHEN they open the campaign report for the store's campaign month THEN the effect
    first, last = (d + shift for d in NOVEMBER)
    page.click("header a[href='/campaigns']")
    page.wait_for_selector("#campaigns")
    page.fill("input[name=date_from]", first.isoformat())
    page.fill("input[name=date_to]", last.isoformat())
    page.click("form button:has-text('Show')")
    page.wait_for_url(f"**/campaigns?date_from={first}*")
    c100 = page.inner_text("#campaigns tbody tr:has(td:first-child:has-text('C100'))")
    assert "3,650" in c100 and "925" in c100 and "+2,725" in c100
    assert "n/a" in page.inner_text("#campaigns tbody tr:has(td:first-child:has-text('FLYER'))")
    shot(page, "backoffice-customers-campaigns")
    page.context.close()

    db = Database(backoffice.db_url, migrate=False)
    try:
        with db.reading() as session:
            views = session.scalars(
                select(AuditRow).where(AuditRow.action == "customer.view")
            ).all()
    finally:
        db.close()
    assert [(v.actor, v.target) for v in views] == [("manager", M["MA"])]
