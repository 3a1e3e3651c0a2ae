"""End to end: the pen-test's attacks on the back office, in headless Chromium.

GIVEN a kiosk token holder sends a console report and a sale whose texts are script (the
payload even lifts the page's CSRF token and posts the add-staff form) WHEN an admin opens
the console and the member list THEN the markup shows as text, no script runs (the browser
never even parses it: no CSP violation is reported) and no staff account appears.
GIVEN a page on the same host, another port (same site: the SameSite=Strict cookie goes
along) auto-submits the add-staff form WHEN the signed-in admin's browser loads it THEN the
back office refuses it (Origin check) and nothing is created.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import select

from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.models import StaffRow
from tests.backoffice.helpers import event
from tests.e2e.conftest import signed_in_page, wait_until

STEAL = (
    "fetch('/staff',{method:'POST',headers:{'Content-Type':'application/x-www-form-urlencoded'},"
    "body:'username=mallory&password=mallory-pass-1&role=admin&csrf_token='"
    "+document.querySelector('meta[name=csrf-token]').content})"
)
IMG = f'<img src=x onerror="window.__pwned=1;{STEAL}">'
SCRIPT = "<script>window.__pwned=2</script>"
MEMBER = '<img src=x onerror="window.__pwned=3">'


def staff_names(backoffice) -> set[str]:
    db = Database(backoffice.db_url, migrate=False)
    try:
        with db.reading() as s:
            return set(s.scalars(select(StaffRow.username)))
    finally:
        db.close()


def kiosk_post(backoffice, kiosk_id: str, path: str, body: dict) -> httpx.Response:
    return httpx.post(
        f"{backoffice.url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {backoffice.tokens[kiosk_id]}"},
        timeout=10,
    )


def watch(page) -> list[str]:
    """Console messages and page errors (a CSP refusal of an inline handler shows here)."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text))
    page.on("pageerror", lambda e: seen.append(str(e)))
    return seen


def test_function_hostile_kiosk_texts_never_run_in_the_admins_browser(backoffice, browser):
    report = kiosk_post(
        backoffice,
        "K01",
        "/api/v1/console/report",
        {
            "state": "needs_attendant",
            "health": {"printer": SCRIPT},
            "alerts": [{"kind": "help_requested", "detail": IMG}],
            "lines": [{"line_id": 1, "name": SCRIPT, "quantity": IMG, "amount": 100}],
            "audit": [{"staff_id": IMG, "action": "approve_age", "ok": True}],
        },
    )
    sale = kiosk_post(
        backoffice,
        "K02",
        "/api/v1/sync/outbox",
        {"events": [event(1, datetime.now(), n=1, kiosk_id="K02", member_id=MEMBER)]},
    )
    if report.status_code != 200 and sale.status_code != 200:
        pytest.fail("both hostile inputs were refused at the door: nothing left to show")
    before = staff_names(backoffice)

    page = signed_in_page(browser, backoffice.url, "admin")
    seen = watch(page)
    page.goto(f"{backoffice.url}/console")
    if report.status_code == 200:
        page.wait_for_selector("#tile-K01 .lines tbody tr")
        assert "×" + IMG in page.inner_text("#tile-K01 .lines")
        assert SCRIPT in page.inner_text("#tile-K01 .lines")
        assert IMG in page.inner_text("#tile-K01 .alerts")
        assert page.locator("#tiles img, #tiles script").count() == 0
    page.goto(f"{backoffice.url}/console/audit")
    page.goto(f"{backoffice.url}/audit")
    if sale.status_code == 200:
        page.goto(f"{backoffice.url}/customers")
        page.wait_for_selector("#members")
        assert MEMBER in page.inner_text("#members")  # admins see the whole id: as text
        assert page.locator("#members img").count() == 0
    page.wait_for_timeout(1000)  # time for a script's fetch to land, if one had run
    assert page.evaluate("window.__pwned") is None
    assert staff_names(backoffice) == before and "mallory" not in before
    # the markup was never parsed: the CSP did not even have an inline handler to refuse
    assert not [m for m in seen if "Content Security Policy" in m or "pwned" in m], seen
    page.context.close()


class _AttackerPage(BaseHTTPRequestHandler):
    html = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: object) -> None:  # quiet test output
        pass


@pytest.fixture
def attacker(backoffice) -> Iterator[str]:
    """A page on 127.0.0.1, another port, that auto-submits the add-staff form."""
    handler = type("Handler", (_AttackerPage,), {})
    handler.html = (
        f'<form id="f" method="post" action="{backoffice.url}/staff">'
        '<input name="username" value="mallory2"><input name="password" value="mallory-pass-2">'
        '<input name="role" value="admin"></form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_function_a_form_on_another_port_of_the_same_host_cannot_add_staff(
    backoffice, browser, attacker
):
    page = signed_in_page(browser, backoffice.url, "admin")
    page.goto(attacker)
    page.wait_for_url(f"{backoffice.url}/staff")
    wait_until(page, "document.body && document.body.innerText.includes('cross-site')")
    assert "mallory2" not in staff_names(backoffice)
    # the admin's own form still works (same origin, with the page's token)
    page.goto(f"{backoffice.url}/staff")
    page.fill("form[action='/staff'] input[name=username]", "carol")
    page.fill("form[action='/staff'] input[name=password]", "carol-pass-123")
    page.click("form[action='/staff'] button")
    page.wait_for_url(f"{backoffice.url}/staff")
    assert "carol" in staff_names(backoffice)
    page.context.close()
