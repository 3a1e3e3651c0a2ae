"""Kiosk reports become console tiles: state, total, time in state, health, alerts, offline."""

from __future__ import annotations

from tests.console.conftest import report, tile


def test_function_a_report_becomes_a_tile(attendant, tokens, clock):
    """GIVEN K01 reports shopping ¥528 with a printer warning and 2 unsent sales
    THEN its tile says so, with the state change in its timeline."""
    transitions = [
        {"old": "idle", "new": "shopping", "trigger": "start", "at": clock().isoformat()}
    ]
    report(attendant, tokens["K01"], "shopping", role="self", total=528, items=3, seconds_in_state=40,
           health={"printer": "paper near end"}, unsent_sales=2, transitions=transitions)  # fmt: skip
    clock.advance(seconds=5)
    k = tile(attendant, "K01")
    assert (k["state"], k["total"], k["items"], k["unsent_sales"]) == ("shopping", 528, 3, 2)
    assert k["seconds_in_state"] == 45
    assert k["health"] == {"printer": "paper near end"}
    assert [(t["old"], t["new"]) for t in k["timeline"]] == [("idle", "shopping")]
    assert tile(attendant, "K03")["state"] == "offline"  # never reported


def test_function_alerts_for_help_age_fault_payment_and_long_paying(attendant, tokens, clock):
    report(attendant, tokens["ST1"], "paying", role="station")
    clock.advance(minutes=3, seconds=1)
    report(attendant, tokens["ST1"], "paying", role="station", seconds_in_state=181)
    alerts = [
        {"kind": "help_requested", "detail": ""},
        {"kind": "age_restricted", "detail": "Beer"},
    ]
    report(attendant, tokens["K01"], "needs_attendant", role="self", alerts=alerts)
    report(
        attendant,
        tokens["K02"],
        "error",
        alerts=[{"kind": "device_fault", "detail": "printer: paper out"}],
    )
    report(
        attendant,
        tokens["K03"],
        "needs_attendant",
        alerts=[{"kind": "payment_unknown", "detail": "card"}],
    )
    keys = {a["key"] for a in attendant.get("/console/snapshot").json()["alerts"]}
    assert {
        "K01:help_requested",
        "K01:age_restricted",
        "K02:device_fault",
        "K03:payment_unknown",
        "ST1:long_paying",
    } <= keys


def test_function_a_silent_kiosk_goes_offline_and_comes_back(attendant, tokens, clock):
    report(attendant, tokens["K02"], "idle")
    clock.advance(seconds=30)
    assert tile(attendant, "K02")["state"] == "idle"
    clock.advance(seconds=1)
    k = tile(attendant, "K02")
    assert k["state"] == "offline" and k["alerts"][0]["kind"] == "offline"
    report(attendant, tokens["K02"], "idle")
    assert tile(attendant, "K02")["state"] == "idle"


def test_function_reports_need_a_kiosk_token(client, tokens):
    response = client.post(
        "/api/v1/console/report",
        json={"state": "idle"},
        headers={"Authorization": "Bearer K01.wrong"},
    )
    assert response.status_code == 401
    assert client.get("/console/snapshot", follow_redirects=False).status_code == 303  # to /login
