"""The UnifiedPOS lifecycle, states, events, statistics and off-thread work (base.py)."""

from __future__ import annotations

import threading

import pytest

from kiosk.devices.base import DataEvent, DeviceState, ErrorEvent, StatusEvent
from kiosk.devices.errors import (
    DeviceAlreadyOpen,
    DeviceDisconnected,
    DeviceNotClaimed,
    DeviceNotEnabled,
    DeviceNotOpen,
)
from kiosk.devices.scanner import Scanner
from kiosk.devices.sim.scanner import SimulatedScanner
from kiosk.domain.scan import Scan, Symbology


@pytest.fixture
def scanner(events):
    device = Scanner(SimulatedScanner(), name="main_scanner")
    device.subscribe(events)
    yield device
    if device.state != DeviceState.CLOSED:
        device.close()


def test_open_claim_enable_then_back(scanner):
    """GIVEN a closed scanner WHEN it goes open → claim → enable → disable → release → close
    THEN the state is idle while open and closed at the end."""
    assert scanner.state is DeviceState.CLOSED
    scanner.open()
    assert scanner.state is DeviceState.IDLE
    scanner.claim()
    scanner.enable()
    assert scanner.enabled and scanner.claimed
    scanner.disable()
    scanner.release()
    scanner.close()
    assert scanner.state is DeviceState.CLOSED
    assert not scanner.claimed


@pytest.mark.parametrize(
    ("steps", "error"),
    [
        (["claim"], DeviceNotOpen),
        (["enable"], DeviceNotOpen),
        (["open", "enable"], DeviceNotClaimed),
        (["open", "open"], DeviceAlreadyOpen),
        (["open", "release"], DeviceNotClaimed),
        (["close"], DeviceNotOpen),
    ],
)
def test_illegal_lifecycle_calls_raise_typed_errors(scanner, steps, error):
    """GIVEN a scanner WHEN lifecycle calls come in the wrong order
    THEN a typed IllegalDeviceState subclass says what to call first."""
    *ok, bad = steps
    for step in ok:
        getattr(scanner, step)()
    with pytest.raises(error) as info:
        getattr(scanner, bad)()
    assert info.value.hint


def test_operations_need_an_enabled_device():
    """GIVEN a claimed but disabled printer WHEN a receipt is printed THEN DeviceNotEnabled."""
    from kiosk.devices.printer import POSPrinter
    from kiosk.devices.sim.printer import SimulatedPrinter

    printer = POSPrinter(SimulatedPrinter(), name="printer")
    printer.open()
    printer.claim()
    with pytest.raises(DeviceNotEnabled, match="enable"):
        printer.print_receipt(["x"])
    printer.close()


def test_close_steps_back_through_release(scanner):
    """GIVEN an enabled scanner WHEN close() is called directly THEN it is released too."""
    scanner.open_claim_enable()
    scanner.close()
    assert (scanner.enabled, scanner.claimed, scanner.state) == (False, False, "closed")


def test_data_events_only_while_enabled_and_counted(scanner, events):
    """GIVEN an open scanner WHEN codes are scanned before and after enable
    THEN only the enabled one is delivered; both are counted in statistics."""
    scanner.open()
    scanner.claim()
    scanner.driver.inject_scan("4901234567894")
    scanner.enable()
    scanner.driver.inject_scan("4901234567894")
    event = events.next(DataEvent, "scan")
    assert event.data == Scan("4901234567894", Symbology.EAN13, "main_scanner")
    assert events.drain() == [event]
    assert scanner.statistics["data_ignored_while_disabled"] == 1
    assert scanner.statistics["scan"] == 1


def test_disconnect_and_reconnect_events_and_state(scanner, events):
    """GIVEN an enabled scanner WHEN it is unplugged and plugged back
    THEN status disconnected (error severity) + error event, state error; then connected."""
    scanner.open_claim_enable()
    scanner.driver.drop_connection()
    assert events.next(StatusEvent, "disconnected").severity == "error"
    assert isinstance(events.next(ErrorEvent).error, DeviceDisconnected)
    assert scanner.state is DeviceState.ERROR
    assert scanner.check_health().ok is False
    scanner.driver.restore_connection()
    events.next(StatusEvent, "connected")
    assert scanner.state is DeviceState.IDLE
    assert scanner.statistics["disconnects"] == 1


def test_a_failing_subscriber_does_not_stop_others(scanner, events):
    """GIVEN a subscriber that raises WHEN a scan arrives THEN other subscribers still get it."""
    scanner.subscribe(lambda event: 1 / 0)
    scanner.open_claim_enable()
    scanner.driver.inject_scan("12345670")
    assert events.next(DataEvent, "scan")


def test_unsubscribe(scanner, events):
    """GIVEN a subscription WHEN it is cancelled THEN no more events reach it."""
    seen = []
    unsubscribe = scanner.subscribe(seen.append)
    scanner.open_claim_enable()
    unsubscribe()
    scanner.driver.inject_scan("12345670")
    assert seen == []


def test_submit_runs_off_the_calling_thread_and_stops_on_close(scanner):
    """GIVEN an open device WHEN work is submitted THEN it runs on the device's worker thread,
    and close() ends that thread."""
    scanner.open_claim_enable()
    future = scanner.submit(lambda: threading.current_thread().name)
    name = future.result(timeout=5)
    assert name.startswith("main_scanner-worker")
    scanner.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("main_scanner-worker")]


def test_health_report(scanner):
    """GIVEN a closed then open scanner WHEN health is checked THEN closed / ok."""
    assert scanner.check_health().status == "closed"
    scanner.open_claim_enable()
    report = scanner.check_health()
    assert (report.ok, report.status, report.device_class, report.driver) == (
        True,
        "ok",
        "Scanner",
        "sim",
    )


def test_scan_source_adapter(scanner):
    """GIVEN the scanner as a runtime scan source WHEN a code is scanned THEN emit gets a Scan."""
    got = []
    source = scanner.as_scan_source()
    source.start(got.append)
    scanner.open_claim_enable()
    scanner.driver.inject_scan("12345670")
    source.stop()
    scanner.driver.inject_scan("12345670")
    assert got == [Scan("12345670", Symbology.EAN8, "main_scanner")]
