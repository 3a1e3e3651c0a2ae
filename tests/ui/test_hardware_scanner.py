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
