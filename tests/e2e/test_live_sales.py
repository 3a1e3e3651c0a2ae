"""The live sales page follows sales as kiosks deliver them (Server-Sent Events, no polling).

Against the real uvicorn server: the stream must answer a delivery well within its own
refresh interval (so it was the ingest that woke it), and the page in Chromium must show it.
"""

from __future__ import annotations

import json

import httpx

from kiosk.backoffice.cli import store_clock
from kiosk.backoffice.core.sse import LIVE_REFRESH_S
from tests.backoffice.helpers import event
from tests.e2e.conftest import PASSWORD, signed_in_page, wait_until

WAKE_WITHIN_S = 5.0
STORE_NOW = store_clock("Asia/Tokyo")  # the server's clock (tests/e2e/server_child.py)
assert WAKE_WITHIN_S < LIVE_REFRESH_S  # otherwise a timed refresh could pass for a wake-up


def deliver(base: str, kiosk_id: str, token: str, seq: int, n: int) -> None:
    answer = httpx.post(
        f"{base}/api/v1/sync/outbox",
        json={"events": [event(seq, STORE_NOW(), n=n, kiosk_id=kiosk_id)]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["applied"] == 1, answer.text


def day_events(lines):
    """The ``data`` of each ``event: day`` message, parsed."""
    kind = None
    for line in lines:
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: ") and kind == "day":
            yield json.loads(line.removeprefix("data: "))


def test_function_the_stream_sends_the_day_again_when_a_sale_is_ingested(backoffice):
    timeout = httpx.Timeout(10, read=WAKE_WITHIN_S)
    # a browser on the back office's own origin: sign-in checks the Origin header
    headers = {"Origin": backoffice.url}
    with httpx.Client(base_url=backoffice.url, timeout=timeout, headers=headers) as client:
        assert client.post(
            "/login", data={"username": "attendant", "password": PASSWORD}
        ).status_code in (200, 303)
        with client.stream("GET", "/live/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            days = day_events(stream.iter_lines())
            before = next(days)
            deliver(backoffice.url, "K01", backoffice.tokens["K01"], seq=1, n=1)
            after = next(days)  # a ReadTimeout here: the ingest did not wake the stream
    assert after["sales"] == before["sales"] + 1 and after["total"] > before["total"]
    assert after["day"] == before["day"]


def test_function_the_live_page_shows_a_new_sale_without_reloading(backoffice, browser):
    page = signed_in_page(browser, backoffice.url, "attendant")
    wait_until(page, "document.getElementById('link').textContent.startsWith('live')")
    shown = int(page.inner_text("#sales").replace(",", ""))
    deliver(backoffice.url, "K02", backoffice.tokens["K02"], seq=1, n=2)
    wait_until(
        page,
        f"document.getElementById('sales').textContent === '{shown + 1}'",
        timeout_s=WAKE_WITHIN_S,
    )
    assert page.locator("#by-kiosk").inner_text().count("K02") == 1
    page.context.close()
