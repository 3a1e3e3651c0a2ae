"""The kiosk's reporter: every state change reaches the console; console commands run there."""

from __future__ import annotations

import pytest

from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from plugins.handoff.client import StoreServer
from plugins.handoff.plugin import handoff_for
from plugins.handoff.tests.conftest import BEER, PLUGINS
from tests.backoffice.databases import sign_in
from tests.console.conftest import tile


@pytest.fixture
def kiosk(make_runtime, tmp_path, client, tokens):
    runtime = make_runtime(kiosk_id="K01", data_dir=tmp_path / "k01", builtin_plugins=PLUGINS)
    handoff_for(runtime).connect(StoreServer(client, tokens["K01"]))
    return runtime


def test_function_state_changes_and_a_console_approval_round_trip(kiosk, attendant):
    """GIVEN a shopper scans beer WHEN the attendant approves it on the console THEN the kiosk
    runs the approval at its next report, and the tile's timeline shows every change."""
    reporter = handoff_for(kiosk).reporter
    kiosk.handle_scan(Scan(BEER))
    kiosk.report_device_status("printer", "paper near end")
    reporter.send_once()
    k = tile(attendant, "K01")
    assert k["state"] == "needs_attendant" and {a["kind"] for a in k["alerts"]} == {
        "age_restricted"
    }
    assert k["health"] == {"printer": "paper near end"} and k["lines"][0]["sku"] == "SKU0029"
    assert (
        attendant.post("/console/kiosks/K01/commands", json={"action": "approve_age"}).status_code
        == 200
    )
    assert reporter.send_once() == 1
    assert kiosk.checkout.state is CheckoutState.SHOPPING
    kiosk.pay("cash")
    kiosk.finish()
    reporter.send_once()
    k = tile(attendant, "K01")
    assert k["state"] == "idle" and k["unsent_sales"] == 1
    assert [t["new"] for t in k["timeline"]] == [
        "shopping",
        "needs_attendant",
        "shopping",
        "paying",
        "paid",
        "idle",
    ]
    assert k["alerts"] == []


def test_function_a_fault_while_idle_shows_error(kiosk, attendant):
    kiosk.report_device_status("printer", "paper out")
    handoff_for(kiosk).reporter.send_once()
    k = tile(attendant, "K01")
    assert k["state"] == "error" and k["alerts"][0]["kind"] == "device_fault"


def test_function_undelivered_reports_keep_their_transitions(
    kiosk, attendant, client, tokens, bo_db
):
    """GIVEN the back office refuses (revoked token) THEN nothing is lost: after re-connecting,
    the transitions made meanwhile arrive in order."""
    plugin = handoff_for(kiosk)
    plugin.reporter.server = StoreServer(client, "K01.wrong")
    kiosk.handle_scan(Scan("4901234000018"))
    kiosk.cancel()
    with pytest.raises(Exception, match="refused"):
        plugin.reporter.send_once()
    plugin.reporter.server = StoreServer(client, tokens["K01"])
    plugin.reporter.send_once()
    sign_in(client, "attendant")
    assert [t["new"] for t in tile(client, "K01")["timeline"]] == ["shopping", "idle"]


def test_function_the_reporter_thread_delivers_without_being_asked(kiosk, attendant):
    reporter = handoff_for(kiosk).reporter
    reporter.interval_s = 0.05
    reporter.start()
    try:
        kiosk.handle_scan(Scan("4901234000018"))
        for _ in range(200):  # bounded: at most ~10 s
            if tile(attendant, "K01")["state"] == "shopping":
                break
            reporter._stop.wait(0.05)
        assert tile(attendant, "K01")["state"] == "shopping"
    finally:
        reporter.stop()


def test_function_a_long_backlog_of_transitions_goes_a_slice_per_report(kiosk, bo_db):
    """GIVEN 120 state changes queued while the store server was away WHEN the kiosk reports
    THEN the door's limits hold: they arrive 50 per report, in order, none refused or lost."""
    from sqlalchemy import select

    from kiosk.backoffice.console.models import StateLogRow
    from plugins.handoff.reporter import PER_REPORT

    reporter = handoff_for(kiosk).reporter
    reporter._transitions = [
        {"old": "idle", "new": "shopping", "trigger": f"t{n}", "at": "2026-11-20T09:00:00"}
        for n in range(120)
    ]
    reporter.device_status("scanner", "error: " + "x" * 500)  # cut to the schema's 200
    for _ in range(3):
        reporter.send_once()
    with bo_db.reading() as s:
        triggers = list(s.scalars(select(StateLogRow.trigger).order_by(StateLogRow.id)))
    assert PER_REPORT == 50 and triggers == [f"t{n}" for n in range(120)]
