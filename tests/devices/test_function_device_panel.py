"""Developer device panel: status JSON, the page, simulator actions, refusals, serve_panel."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from kiosk.devices.base import DataEvent
from kiosk.devices.panel import make_panel_app, serve_panel
from kiosk.devices.profiles import ROLE_CLASSES, Devices, load_profile, open_devices
from kiosk.domain.scan import Scan

LOOPBACK = "http://127.0.0.1"


@pytest.fixture
def devices() -> Iterator[Devices]:
    opened = open_devices(load_profile("simulated"))
    yield opened
    opened.close_all()


@pytest.fixture
def client(devices: Devices) -> TestClient:
    return TestClient(make_panel_app(devices), base_url=LOOPBACK)


def act(client: TestClient, role: str, action: str, **fields: object) -> httpx.Response:
    return client.post(f"/api/devices/{role}/actions/{action}", json=fields)


def status_of(client: TestClient, role: str) -> dict:
    response = client.get("/api/devices")
    assert response.status_code == 200
    return next(d for d in response.json()["devices"] if d["role"] == role)


def test_api_devices_lists_every_role_with_health_and_actions(client):
    """GIVEN the simulated profile WHEN /api/devices THEN one entry per role, all healthy."""
    body = client.get("/api/devices").json()
    assert body["profile"] == "simulated"
    assert body["model"] == "Simulated kiosk"
    roles = [d["role"] for d in body["devices"]]
    assert roles == list(ROLE_CLASSES)
    for entry in body["devices"]:
        assert set(entry) >= {
            "role",
            "device_class",
            "driver",
            "driver_type",
            "simulated",
            "state",
            "enabled",
            "last_status",
            "health",
            "open_error",
            "statistics",
            "detail",
            "actions",
        }
        assert entry["device_class"] == ROLE_CLASSES[entry["role"]]
        assert entry["driver"] == "sim" and entry["simulated"] is True
        assert entry["driver_type"].startswith("kiosk.devices.sim.")
        assert entry["state"] == "idle" and entry["enabled"] is True
        assert entry["health"] == {"ok": True, "status": "ok", "hint": "", "stale": False}
        assert entry["open_error"] is None
    by_role = {d["role"]: d for d in body["devices"]}
    insert = next(a for a in by_role["changer"]["actions"] if a["name"] == "insert")
    assert insert["fields"][0]["kind"] == "select"
    assert "1000" in insert["fields"][0]["options"]
    assert "10000" in insert["fields"][0]["options"]
    assert by_role["camera"]["actions"] == []  # no test control the panel can use
    assert by_role["changer"]["detail"]["inventory"]["1000"] == 20


def test_page_renders_rows_and_only_existing_controls(client):
    """GIVEN the panel WHEN / is loaded THEN a row per role, forms for the sim controls, JS."""
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    for role in ROLE_CLASSES:
        assert f'id="row-{role}"' in text
    assert 'data-action="api/devices/main_scanner/actions/inject_scan"' in text
    assert 'data-action="api/devices/printer/actions/paper_out"' in text
    assert 'data-action="api/devices/changer/actions/jam"' in text
    assert "api/devices/camera/actions" not in text
    assert "fetch('api/devices'" in text


def test_inject_scan_reaches_a_subscriber(client, devices, events):
    """GIVEN a subscriber on the scanner WHEN a scan is injected THEN it gets that Scan."""
    devices.main_scanner.subscribe(events)
    response = act(client, "main_scanner", "inject_scan", code="4901234567894")
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    event = events.next(DataEvent, "scan")
    assert isinstance(event.data, Scan)
    assert event.data.code == "4901234567894"


def test_paper_out_shows_in_printer_status_and_refill_clears_it(client, devices, events):
    """GIVEN the printer WHEN paper runs out THEN status says paper out; refill → ok again."""
    devices.printer.subscribe(events)
    assert act(client, "printer", "paper_out").status_code == 200
    printer = status_of(client, "printer")
    assert printer["health"]["ok"] is False
    assert printer["health"]["status"] == "paper out"
    assert events.next(kind="paper_out").severity == "error"  # the runtime hears it at once
    assert act(client, "printer", "refill_paper").status_code == 200
    assert status_of(client, "printer")["health"]["ok"] is True


def test_jam_makes_the_changer_unhealthy_until_cleared(client):
    """GIVEN the changer WHEN jammed from the panel THEN health not ok; clear jam → ok."""
    assert act(client, "changer", "jam").status_code == 200
    changer = status_of(client, "changer")
    assert changer["health"]["ok"] is False
    assert changer["health"]["status"] == "jammed"
    assert act(client, "changer", "clear_jam").status_code == 200
    assert status_of(client, "changer")["health"]["ok"] is True


def test_insert_1000_during_a_deposit_gives_a_deposit_amount_event(client, devices, events):
    """GIVEN a deposit for ¥500 WHEN ¥1000 is inserted THEN deposit_amount 1000 is sent."""
    devices.changer.subscribe(events)
    devices.changer.begin_deposit(amount_due=500)
    assert status_of(client, "changer")["detail"]["depositing"] is True
    response = act(client, "changer", "insert", yen="1000")
    assert response.status_code == 200, response.text
    assert "taken" in response.json()["message"]
    assert events.next(DataEvent, "deposit_amount").data == 1000
    assert devices.changer.end_deposit() == 1000


def test_insert_without_a_deposit_is_handed_back(client):
    """GIVEN no deposit WHEN a note is inserted THEN it is handed back, and the panel says so."""
    response = act(client, "changer", "insert", yen=1000)
    assert response.status_code == 200
    assert "handed back" in response.json()["message"]


def test_inventory_low_reports_near_empty(client, devices, events):
    """GIVEN a full float WHEN the panel sets it low THEN near_empty is reported; refill → ok."""
    devices.changer.subscribe(events)
    assert act(client, "changer", "inventory_low").status_code == 200
    assert events.next(kind="near_empty").severity == "warning"
    assert status_of(client, "changer")["detail"]["inventory"]["1000"] == 2
    assert devices.changer.can_make_change(9000) is False
    assert act(client, "changer", "inventory_refill").status_code == 200
    assert status_of(client, "changer")["health"]["ok"] is True


def test_scanner_unplug_and_replug(client, devices):
    """GIVEN the scanner WHEN unplugged THEN error state and scans are refused; replug → ok."""
    assert act(client, "main_scanner", "unplug").status_code == 200
    scanner = status_of(client, "main_scanner")
    assert scanner["state"] == "error" and scanner["health"]["ok"] is False
    refused = act(client, "main_scanner", "inject_scan", code="4901234567894")
    assert refused.status_code == 409
    assert "unplugged" in refused.json()["message"]
    assert act(client, "main_scanner", "replug").status_code == 200
    assert status_of(client, "main_scanner")["health"]["ok"] is True


def test_terminal_drop_and_restore_and_scale_weight(client, devices, events):
    """GIVEN the terminal and scale WHEN dropped/restored and weighed THEN status follows."""
    assert act(client, "terminal", "drop_connection").status_code == 200
    terminal = status_of(client, "terminal")
    assert terminal["state"] == "error" and terminal["health"]["ok"] is False
    assert act(client, "terminal", "restore_connection").status_code == 200
    assert status_of(client, "terminal")["health"]["ok"] is True

    devices.scale.subscribe(events)
    assert act(client, "scale", "set_weight", grams="250.5", stable=True).status_code == 200
    weight = events.next(DataEvent, "weight").data
    assert str(weight.grams) == "250.5" and weight.stable
    assert status_of(client, "scale")["detail"]["grams"] == "250.5"


def test_bad_requests_are_refused_clearly(client):
    """GIVEN bad input WHEN posted THEN 422/404/415/403 with a message, nothing crashes."""
    bad_coin = act(client, "changer", "insert", yen="3")
    assert bad_coin.status_code == 422
    assert "denomination" in bad_coin.json()["message"]
    assert act(client, "main_scanner", "inject_scan", code="  ").status_code == 422
    assert act(client, "nobody", "jam").status_code == 404
    unknown = act(client, "camera", "jam")
    assert unknown.status_code == 404 and "available: none" in unknown.json()["message"]
    form = client.post("/api/devices/changer/actions/jam", data={"x": "1"})
    assert form.status_code == 415
    assert client.get("/api/devices", headers={"host": "evil.example"}).status_code == 403
    cross = act_with_origin(client, "https://evil.example")
    assert cross.status_code == 403


def act_with_origin(client: TestClient, origin: str) -> httpx.Response:
    return client.post("/api/devices/changer/actions/jam", json={}, headers={"origin": origin})


def test_action_on_a_real_driver_is_refused_with_409(tmp_path, pty):
    """GIVEN a profile whose scanner is the real serial driver WHEN a scan is injected
    THEN 409 says it is a real device, and the status lists no controls for it."""
    profile = tmp_path / "real-scanner.toml"
    profile.write_text(
        '[kiosk]\nmodel = "mixed"\n\n'
        f'[devices.main_scanner]\ndriver = "serial"\nconnection = "{pty.path}"\n\n'
        '[devices.scale]\ndriver = "sim"\n',
        encoding="utf-8",
    )
    devices = open_devices(load_profile(profile))
    try:
        client = TestClient(make_panel_app(devices), base_url=LOOPBACK)
        refused = act(client, "main_scanner", "inject_scan", code="4901234567894")
        assert refused.status_code == 409
        body = refused.json()
        assert body["ok"] is False
        assert "real driver 'serial'" in body["message"]
        assert "simulator actions only work on simulated devices" in body["message"]
        scanner = status_of(client, "main_scanner")
        assert scanner["simulated"] is False and scanner["actions"] == []
        assert "real driver" in client.get("/").text
        assert act(client, "scale", "overload").status_code == 200  # the sim next to it works
    finally:
        devices.close_all()


def test_serve_panel_runs_on_loopback_and_stops(devices):
    """GIVEN serve_panel WHEN started on port 0 THEN it answers on 127.0.0.1; stop() joins."""
    with pytest.raises(ValueError, match="loopback"):
        serve_panel(devices, host="0.0.0.0")
    thread, port, stop = serve_panel(devices)
    try:
        assert thread.is_alive() and port > 0
        response = httpx.get(f"http://127.0.0.1:{port}/api/devices", timeout=5)
        assert response.status_code == 200
        assert len(response.json()["devices"]) == len(ROLE_CLASSES)
    finally:
        stop()
    assert not thread.is_alive()


def test_a_raster_image_on_the_paper_reads_as_a_placeholder_not_garbage(client, devices):
    """GIVEN a receipt with a logo (a GS v 0 raster image) and a tall image python-escpos
    sends in pieces WHEN the panel shows the last paper THEN each image is one line
    ``[image W×H]`` among the text, and nothing of its dots shows as characters."""
    from PIL import Image

    backend = devices.printer.driver.sim  # the simulated printer's python-escpos backend
    # text as the kiosk's driver sends it (cp932 bytes), images as python-escpos draws them
    backend._raw("さくらマート\n".encode("cp932"))
    backend.image(Image.new("1", (384, 120), 0), impl="bitImageRaster")  # black: 0xff dots
    backend._raw("合計 ￥150\n".encode("cp932"))
    backend.image(Image.new("1", (200, 2000), 0), impl="bitImageRaster")
    backend._raw("ありがとうございました\n".encode("cp932"))
    backend.cut()
    paper = status_of(client, "printer")["detail"]["last_paper"]
    assert paper.splitlines() == [
        "さくらマート",
        "[image 384×120]",
        "合計 ￥150",
        "[image 200×2000]",
        "ありがとうございました",
    ]
