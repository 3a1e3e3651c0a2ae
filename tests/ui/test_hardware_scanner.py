"""GIVEN the kiosk app started on the simulated hardware profile WHEN the profile's serial
(main) scanner reads a code THEN the line appears on the shopping screen."""

from __future__ import annotations

import pytest

from kiosk.runtime.hardware import open_hardware

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"


def test_the_profiles_main_scanner_reaches_the_touch_ui(kiosk_factory) -> None:
    devices = open_hardware("simulated")
    kiosk = kiosk_factory(devices=devices)
    ctl = kiosk.ctl
    assert any(s.name for s in kiosk.app.sources.sources)
    kiosk.wait_screen("attract")
    kiosk.tap(kiosk.widget("start"))
    kiosk.wait_screen("shopping")
    devices.main_scanner.driver.inject_scan(ONIGIRI)
    kiosk.wait(lambda: len(ctl.rows) == 1, what="main scanner line")
    kiosk.app.sources.stop()
    devices.main_scanner.driver.inject_scan(ONIGIRI)  # stopped: no longer delivered
    kiosk.settle()
    assert len(ctl.rows) == 1


def test_the_kiosk_tells_systemd_it_is_ready_and_pings_the_watchdog(
    kiosk_factory, tmp_path, monkeypatch
) -> None:
    import socket

    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(path)
        server.settimeout(10)
        monkeypatch.setenv("NOTIFY_SOCKET", path)
        monkeypatch.setenv("WATCHDOG_USEC", "200000")  # a ping every 0.1 s
        kiosk = kiosk_factory()
        assert server.recv(64) == b"READY=1"
        assert kiosk.app._watchdog is not None
        kiosk.wait(lambda: _received(server) == b"WATCHDOG=1", what="a watchdog ping")


def _received(server) -> bytes:
    server.setblocking(False)
    try:
        return server.recv(64)
    except BlockingIOError:
        return b""
