"""Serial scanner: framing, garbage, unplug/replug on real pty pairs and loop://."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
import serial

from kiosk.devices.base import DataEvent, DeviceState, ErrorEvent, StatusEvent
from kiosk.devices.drivers.serial_scanner import SerialScannerDriver
from kiosk.devices.scanner import Scanner
from kiosk.domain.scan import Scan, Symbology

from .conftest import WAIT


@pytest.fixture
def open_scanner(events) -> Iterator:
    opened: list[Scanner] = []

    def make(url: str, **options) -> Scanner:
        scanner = Scanner(
            SerialScannerDriver(url, max_backoff=0.05, **options), name="main_scanner"
        )
        scanner.subscribe(events)
        scanner.open_claim_enable()
        opened.append(scanner)
        return scanner

    yield make
    for scanner in opened:
        if scanner.state != DeviceState.CLOSED:
            scanner.close()


def test_scan_with_cr_suffix_becomes_a_scan(pty, open_scanner, events):
    """GIVEN a serial scanner on a pty
    WHEN the scanner sends an EAN-13 with CR and another with CRLF
    THEN two Scan data events arrive with code, symbology and the role as source."""
    open_scanner(pty.path)
    pty.send(b"4901234567894\r4902102072618\r\n")
    first = events.next(DataEvent, "scan")
    second = events.next(DataEvent, "scan")
    assert first.data == Scan("4901234567894", Symbology.EAN13, "main_scanner")
    assert second.data.code == "4902102072618"
    assert events.drain() == [first, second]


def test_frame_split_across_reads_is_joined(pty, open_scanner, events):
    """GIVEN a scanner WHEN a code arrives in two chunks THEN exactly one scan is emitted."""
    open_scanner(pty.path)
    pty.send(b"49012")
    pty.send(b"34567894\r")
    assert events.next(DataEvent, "scan").data.code == "4901234567894"


def test_prefix_and_custom_suffix_and_aim_ids(pty, open_scanner, events):
    """GIVEN a scanner configured with prefix STX, suffix ETX and AIM IDs
    WHEN it sends ']Q1' + a URL THEN the scan is a QR with the URL only."""
    open_scanner(pty.path, prefix="\x02", suffix="ETX", aim_ids=True)
    pty.send(b"\x02]Q1https://example.jp/r?x=1\x03")
    scan = events.next(DataEvent, "scan").data
    assert (scan.code, scan.symbology) == ("https://example.jp/r?x=1", Symbology.QR)


def test_garbage_bytes_give_an_error_event_not_a_crash(pty, open_scanner, events):
    """GIVEN a scanner WHEN non-ASCII bytes and then an over-long frame arrive
    THEN each gives an error event, and a good scan after them still works."""
    scanner = open_scanner(pty.path, max_length=32)
    pty.send(b"\xff\xfe\x80garbage\r")
    assert events.next(ErrorEvent, "protocol")
    pty.send(b"9" * 100 + b"\r")
    assert "max_length" in str(events.next(ErrorEvent, "protocol").error)
    pty.send(b"4901234567894\r")
    assert events.next(DataEvent, "scan").data.code == "4901234567894"
    assert scanner.state is DeviceState.IDLE


def test_loop_url_works(open_scanner, events):
    """GIVEN a scanner on pyserial's loop:// WHEN bytes are written to the port
    THEN they come back as a scan (any serial_for_url URL works)."""
    scanner = open_scanner("loop://")
    scanner.driver.link._port.write(b"12345670\r")
    assert events.next(DataEvent, "scan").data == Scan("12345670", Symbology.EAN8, "main_scanner")


def test_hot_unplug_and_replug_by_id(tmp_path, make_pty, open_scanner, events):
    """GIVEN a scanner opened through a by-id style symlink
    WHEN the device is unplugged with half a barcode read, then plugged back (new pty, same
    link) THEN: state error + a 'disconnected' status, then 'connected' and state idle; the
    partial frame is discarded and the next scan arrives exactly once."""
    first = make_pty()
    link = tmp_path / "usb-Scanner-if00"
    link.symlink_to(first.path)
    scanner = open_scanner(str(link))
    first.send(b"4901234567894\r")
    assert events.next(DataEvent, "scan").data.code == "4901234567894"

    first.send(b"49021")  # half a code, then the cable is pulled
    first.unplug()
    status = events.next(StatusEvent, "disconnected")
    assert status.severity == "error"
    assert scanner.state is DeviceState.ERROR

    second = make_pty()
    link.unlink()
    link.symlink_to(second.path)
    events.next(StatusEvent, "connected")
    assert scanner.state is DeviceState.IDLE
    second.send(b"02072618\r4902102072618\r")
    scans = [events.next(DataEvent, "scan").data.code for _ in range(2)]
    assert scans == ["02072618", "4902102072618"]
    assert [e for e in events.drain() if isinstance(e, DataEvent)] == [
        e for e in events.seen if isinstance(e, DataEvent)
    ]
    assert len([e for e in events.seen if isinstance(e, DataEvent)]) == 3
    assert scanner.statistics["disconnects"] == 1


class FlakyPort:
    """A port that raises pyserial's unplug error while is_open stays True, once."""

    go = threading.Event()  # released by the test once the scanner is enabled

    def __init__(self, script: list[bytes | Exception]) -> None:
        self.script = script
        self.is_open = True
        self.in_waiting = 0
        self.done = threading.Event()

    def read(self, size: int) -> bytes:
        if not self.go.wait(0.01):
            return b""
        if not self.script:
            self.done.set()
            self.done.wait(0.01)
            return b""
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    def close(self) -> None:
        pass  # is_open stays True, like the real thing after an unplug


def test_serial_exception_with_port_still_open_is_a_disconnect(open_scanner, events):
    """GIVEN a port that raises 'device reports readiness to read but returned no data'
    with is_open still True WHEN it happens mid-frame THEN a disconnect, the reopened port's
    complete frame is emitted once and the partial one never."""
    ports = [
        FlakyPort(
            [
                b"4901",
                serial.SerialException(
                    "device reports readiness to read but returned no data "
                    "(device disconnected or multiple access on port?)"
                ),
            ]
        ),
        FlakyPort([b"234567894\r", b"12345670\r"]),
    ]
    opened = []

    def factory(url, **kwargs):
        if not ports:
            raise serial.SerialException("no such device")
        opened.append(ports.pop(0))
        return opened[-1]

    scanner = Scanner(
        SerialScannerDriver("/dev/fake", port_factory=factory, max_backoff=0.01),
        name="main_scanner",
    )
    scanner.subscribe(events)
    scanner.open_claim_enable()
    FlakyPort.go.set()
    try:
        events.next(StatusEvent, "disconnected")
        events.next(StatusEvent, "connected")
        assert events.next(DataEvent, "scan").data.code == "234567894"
        assert events.next(DataEvent, "scan").data.code == "12345670"
        assert opened[1].done.wait(WAIT)
        assert [e.data.code for e in events.drain() if isinstance(e, DataEvent)] == [
            "234567894",
            "12345670",
        ]
    finally:
        FlakyPort.go.clear()
        scanner.close()


def test_missing_device_at_open_starts_in_error_and_recovers(tmp_path, make_pty, events):
    """GIVEN a by-id path that does not exist yet WHEN the scanner opens
    THEN DeviceDisconnected, state error; when the device appears it connects by itself."""
    from kiosk.devices.errors import DeviceDisconnected

    link = tmp_path / "usb-Scanner-if00"
    scanner = Scanner(SerialScannerDriver(str(link), max_backoff=0.05), name="main_scanner")
    scanner.subscribe(events)
    with pytest.raises(DeviceDisconnected, match="cannot open"):
        scanner.open()
    try:
        assert scanner.state is DeviceState.ERROR
        scanner.claim()
        scanner.enable()
        link.symlink_to(make_pty().path)
        events.next(StatusEvent, "connected")
        assert scanner.state is DeviceState.IDLE
    finally:
        scanner.close()
    assert not [
        t
        for t in threading.enumerate()
        if t.name.endswith("-reader") and t.is_alive() and str(link) in t.name
    ]


def test_close_stops_the_reader_thread(pty, events):
    """GIVEN an open scanner WHEN it is closed THEN its reader thread has ended."""
    scanner = Scanner(SerialScannerDriver(pty.path), name="s")
    scanner.open_claim_enable()
    link = scanner.driver.link
    thread = link._thread
    scanner.close()
    assert not thread.is_alive()
    assert os.path.exists(pty.path)
