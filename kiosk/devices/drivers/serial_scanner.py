"""Serial (RS-232C / USB-CDC / virtual COM) barcode scanner driver.

Profile options: ``baudrate`` (9600), ``prefix`` (""), ``suffix`` ("CR" — accepts CR and
CRLF; or "CRLF", "LF", "TAB", "ETX", or any literal text), ``max_length`` (256),
``aim_ids`` (false: the scanner sends ``]E0``-style symbology prefixes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.devices.base import DriverSink, Severity
from kiosk.devices.drivers.serial_link import (
    Frame,
    FrameError,
    SerialLinkDriver,
    SuffixFramer,
)
from kiosk.devices.errors import DeviceProtocolError
from kiosk.devices.scanner import ScannerDriver, guess_symbology, split_aim_id
from kiosk.domain.scan import Scan

SUFFIXES: dict[str, tuple[bytes, ...]] = {
    "CR": (b"\r", b"\n"),  # CR or CRLF (the LF after CR gives an empty frame, dropped)
    "CRLF": (b"\r\n",),
    "LF": (b"\n",),
    "TAB": (b"\t",),
    "ETX": (b"\x03",),
}

#: Printable ASCII plus GS (FNC1 separator in GS1 codes).
_ALLOWED = set(range(0x20, 0x7F)) | {0x1D}


def _suffix(value: str) -> tuple[bytes, ...]:
    return SUFFIXES.get(value.upper(), (value.encode("ascii"),))


class SerialScannerDriver(ScannerDriver, SerialLinkDriver):
    driver_name = "serial"

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        prefix: str = "",
        suffix: str = "CR",
        max_length: int = 256,
        aim_ids: bool = False,
        port_factory: Callable[..., Any] | None = None,
        max_backoff: float = 1.0,
    ) -> None:
        if not url:
            raise ValueError("a serial scanner needs a connection (a pyserial URL or device path)")
        self.aim_ids = aim_ids
        self.framer = SuffixFramer(_suffix(suffix), prefix.encode("ascii"), max_length)
        self._init_link(url, baudrate, port_factory, max_backoff)
        self._sink: DriverSink | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> SerialScannerDriver:
        return cls(connection, **dict(options))

    def open(self, sink: DriverSink) -> None:
        self._sink = sink
        self._start_link(self.framer, sink, "scanner")

    def close(self) -> None:
        self._close_link()

    def check_health(self) -> str:
        return "ok" if self.link_connected else "disconnected"

    def _on_frame(self, frame: Frame) -> None:
        sink = self._sink
        if sink is None:
            return
        if isinstance(frame, FrameError):
            sink.driver_error(DeviceProtocolError(f"{frame.reason}: {frame.data[:40]!r}"))
            return
        if any(b not in _ALLOWED for b in frame):
            sink.driver_error(
                DeviceProtocolError(
                    f"non-ASCII bytes from the scanner: {frame[:40]!r}",
                    hint="Set the scanner to ASCII output with a CR suffix (see its manual).",
                )
            )
            sink.driver_status("garbage_received", Severity.WARNING, "scan discarded")
            return
        text = frame.decode("ascii")
        if self.aim_ids:
            code, symbology = split_aim_id(text)
        else:
            code, symbology = text, guess_symbology(text)
        sink.driver_data("scan", Scan(code, symbology))
