"""End to end across processes: a staff station, two payment kiosks, the back office (a real
uvicorn process) and the attendant console in headless Chromium.

GIVEN/WHEN/THEN per step below; screenshots go to docs/screenshots/console-*.png (the
back-office pages it opens only render here: scripts/screenshots_backoffice.py writes those). Kiosks are in-process runtimes whose reporters are driven step by step, so
every state change is reported without any timing assumption; the browser waits (bounded)
for what it should show.
"""

from __future__ import annotations

import os
import sqlite3

import httpx
import pytest
from sqlalchemy import select

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.sales.models import SaleRow
from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.staff import StaffLocked, StaffRegistry, WrongPin
from kiosk.sync.relay import OutboxRelay
from plugins.handoff.client import StoreServer
from plugins.handoff.plugin import handoff_for
from plugins.handoff.station import StaffStation
from plugins.handoff.tests.conftest import BEER, ONIGIRI, PLUGINS, STORE_KEY, TUNA
from plugins.handoff.ticket import TicketKeys
from plugins.pay_card.simulator import CardTerminalSimulator
from tests.e2e.conftest import ROOT, signed_in_page, wait_until

# screenshots are written only when asked (KIOSK_SCREENSHOTS=1), so a test run leaves the
# tracked docs alone; they are always taken, so a rendering failure still fails the test
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("KIOSK_SCREENSHOTS") else None
KEYS = TicketKeys.from_settings({"hmac_key": STORE_KEY})


@pytest.fixture
def card_terminal():
    """A card terminal "on the LAN": a kiosk configured for it sells for real (no
    simulator, not training), so its sales are what the back office counts."""
    terminal = CardTerminalSimulator().start()
    yield terminal
    terminal.stop()


@pytest.fixture
def store(make_runtime, tmp_path, backoffice):
    clients: list[httpx.Client] = []

    def make(
        kiosk_id: str,
        role: str,
        token: str | None = None,
        url: str | None = None,
        terminal: CardTerminalSimulator | None = None,
    ):
        tables: dict = {"handoff": {"hmac_key": STORE_KEY, "role": role}}
        real: dict = {}
        if terminal is not None:  # card only, through the terminal: no simulators at all
            tables["pay_card"] = {"host": "127.0.0.1", "port": terminal.port}
            real = {
                "hardware_profile": "cashless",
                "builtin_plugins": (
                    *(p for p in PLUGINS if p != "plugins.pay_cash"),
                    "plugins.pay_card",
                ),
            }
        runtime = make_runtime(
            kiosk_id=kiosk_id, data_dir=tmp_path / kiosk_id,
            **({"builtin_plugins": PLUGINS} | real), plugin_config=tables,
        )  # fmt: skip
        client = httpx.Client(base_url=url or backoffice.url, timeout=5)
        clients.append(client)
        handoff_for(runtime).connect(StoreServer(client, token or backoffice.tokens[kiosk_id]))
        return runtime

    yield make
    for client in clients:
        client.close()


def state_is(page, kiosk_id: str, state: str) -> None:
    # a selector, not wait_for_function: that polls with eval(), which the CSP forbids
    page.wait_for_selector(f"#tile-{kiosk_id}[data-state='{state}']")


def timeline(page, kiosk_id: str) -> list[str]:
    return page.eval_on_selector_all(
        f"#tile-{kiosk_id} .timeline li", "els => els.map(e => e.dataset.new)"
    )


def shot(page, name: str) -> None:
    png = page.screenshot(full_page=True)
    assert png.startswith(b"\x89PNG")
    if SHOTS is not None and name.startswith("console-"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"{name}.png").write_bytes(png)


def report(*runtimes) -> None:
    for runtime in runtimes:
        handoff_for(runtime).reporter.send_once()


def test_function_semi_self_sale_live_on_the_console(store, backoffice, browser, card_terminal):
    station_rt = store("ST1", "station")
    k2 = store("K02", "payment", terminal=card_terminal)  # a real sale: it reaches bo_sales
    k3 = store("K03", "payment")
    station = StaffStation(
        station_rt, KEYS, StaffRegistry.from_settings({}), handoff_for(station_rt).server
    )
    page = signed_in_page(browser, backoffice.url, "attendant")
    page.goto(f"{backoffice.url}/console")
    page.wait_for_selector("#tile-K02")
    assert page.get_attribute("#tile-K01", "data-state") == "offline"  # never reported

    # GIVEN every kiosk reports idle
    report(station_rt, k2, k3)
    state_is(page, "K02", "idle")
    state_is(page, "K03", "idle")

    # WHEN staff register onigiri + beer (age checked at the station) and hand off
    station.sign_in("S001", "1234")
    station.scan(ONIGIRI)
    station.scan(BEER)
    station.approve_pending()
    report(station_rt)
    result = station.hand_off()
    report(station_rt)
    # THEN the store server sends the shopper to the idle kiosk that waited longest
    assert result.kiosk_id == "K02" and "Please pay at kiosk 2" in result.slip_lines()
    page.wait_for_selector(f"#handoffs tr[data-id='{result.ticket.handoff_id}'] td.assigned")
    shot(page, "console-01-handoff-assigned")

    # WHEN the shopper taps start at kiosk 2 THEN the basket appears read-only; they pay
    assert handoff_for(k2).receiver.on_start_tapped().total == 378
    report(k2)
    state_is(page, "K02", "shopping")
    assert page.text_content("#tile-K02 .total") == "¥378"
    assert page.text_content("#tile-K02 dd[data-key=handoff_id]") == result.ticket.handoff_id
    shot(page, "console-02-basket-at-kiosk-2")
    k2.checkout.begin_payment()
    report(k2)
    state_is(page, "K02", "paying")
    shot(page, "console-03-paying")
    sale = k2.pay("card")
    report(k2)
    k2.finish()
    report(k2)
    state_is(page, "K02", "idle")
    assert timeline(page, "K02") == ["shopping", "paying", "paid", "idle"]
    assert timeline(page, "ST1") == ["shopping", "needs_attendant", "shopping", "idle"]
    page.wait_for_selector(f"#handoffs tr[data-id='{result.ticket.handoff_id}'] td.paid")

    # THEN the sale reaches the back office once, with the station's staff and the hand-off id
    with httpx.Client(base_url=backoffice.url, timeout=5) as client:
        assert OutboxRelay(k2.store, client, backoffice.tokens["K02"]).send_once().acked == 1
        assert (
            OutboxRelay(station_rt.store, client, backoffice.tokens["ST1"]).send_once().acked == 0
        )
    db = Database(backoffice.db_url, migrate=False)
    try:
        with db.reading() as s:
            sales = list(s.scalars(select(SaleRow)))
        assert [(x.kiosk_id, x.sale_id) for x in sales] == [("K02", sale.sale_id)]
        assert sales[0].document["staff_id"] == "S001"
        assert sales[0].document["extra"]["handoff_id"] == result.ticket.handoff_id
    finally:
        db.close()

    # WHEN a shopper at kiosk 3 scans beer THEN the console alerts (red, beep) ...
    beeps = page.evaluate("window.consoleBeeps")
    k3.handle_scan(Scan(BEER))
    report(k3)
    state_is(page, "K03", "needs_attendant")
    page.wait_for_selector("#alerts-bar .alert[data-key='K03:age_restricted']")
    wait_until(page, f"window.consoleBeeps > {int(beeps)}")
    shot(page, "console-04-age-alert")
    # ... and the attendant approves from the console; the kiosk runs it at its next report
    page.click("#tile-K03 button[data-a='approve_age']")
    page.wait_for_selector("#feedback[data-ok='1']")
    report(k3)
    assert k3.checkout.state is CheckoutState.SHOPPING
    report(k3)
    state_is(page, "K03", "shopping")
    page.wait_for_selector("#alerts-bar .alert[data-key^='K03:']", state="detached")
    page.context.close()


def test_function_offline_qr_pin_lockout_and_a_tampered_audit_row(store, backoffice, browser):
    # GIVEN the station cannot reach the store server WHEN it hands off THEN it prints a QR,
    # and kiosk 3 takes the basket from the QR alone
    dead = store("ST1", "station", url="http://127.0.0.1:9")
    station = StaffStation(dead, KEYS, StaffRegistry.from_settings({}), handoff_for(dead).server)
    station.sign_in("S001", "1234")
    station.scan(TUNA)
    result = station.hand_off()
    assert result.paper and "ConnectError" in result.reason
    k3 = store("K03", "payment")
    report(k3)
    assert k3.handle_scan(Scan(result.code, source="scanner")).claim.payload.total == 140
    assert k3.pay("cash").extra["handoff_via"] == "qr"
    k3.finish()

    # WHEN someone tries 5 wrong PINs at kiosk 3 THEN the pad locks and it is audited
    actions = handoff_for(k3).actions
    k3.handle_scan(Scan(BEER))
    for _ in range(4):
        with pytest.raises(WrongPin):
            actions.with_pin("S001", "0000", "approve_age")
    with pytest.raises(StaffLocked):
        actions.with_pin("S001", "0000", "approve_age")
    with pytest.raises(StaffLocked):
        actions.with_pin("S001", "1234", "approve_age")
    report(k3)

    page = signed_in_page(browser, backoffice.url, "manager")
    page.goto(f"{backoffice.url}/console/audit")
    assert "Chain intact" in page.text_content("#chain")
    failures = page.locator("#audit-chain tbody tr", has_text="kiosk.approve_age").filter(
        has_text="failure"
    )
    assert failures.count() == 6
    shot(page, "backoffice-audit-chain")

    # WHEN a row is edited behind the application's back THEN the audit page says where
    db_file = backoffice.db_url.removeprefix("sqlite:///")
    db = Database(backoffice.db_url, migrate=False)
    with db.reading() as s:
        row_id = s.scalars(
            select(AuditRow.id).where(AuditRow.action == "kiosk.approve_age")
        ).first()
    db.close()
    with sqlite3.connect(db_file) as c:
        c.execute("UPDATE bo_audit SET result = 'success' WHERE id = ?", (row_id,))
    page.reload()
    assert f"Chain BROKEN at row {row_id}" in page.text_content("#chain")
    shot(page, "backoffice-audit-tampered")
    for path, name in (("/", "backoffice-today"), ("/kiosks", "backoffice-kiosks")):
        page.goto(f"{backoffice.url}{path}")
        shot(page, name)
    page.context.close()
