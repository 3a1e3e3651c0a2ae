"""ESC/POS receipt printer driver on python-escpos backends.

The profile's ``connection`` picks the backend:

==============================  ===============================================
``tcp://192.168.0.50:9100``     :class:`escpos.printer.Network` (LAN models)
``serial:///dev/ttyUSB0``       serial via ``serial_for_url`` (any pyserial URL
``/dev/serial/by-id/…``         after ``serial:``; a bare ``/dev/…`` path too)
``usb://04b8:0202``             :class:`escpos.printer.Usb` (needs pyusb)
``file:///dev/usb/lp0``         :class:`escpos.printer.File` (write-only: no status)
``dummy:``                      :class:`escpos.printer.Dummy` (records bytes)
==============================  ===============================================

Status is read with ``DLE EOT`` n=1..4 (printer / offline cause / error cause / roll paper
sensor). Options: ``status`` ("dle_eot" or "none"), ``baudrate``, ``timeout``, and the
:class:`~kiosk.devices.drivers.escpos_receipt.ReceiptStyle` fields (``text_mode``,
``columns``, ``paper_width_px``, ``escpos_profile``, ``font_path``, ``qr_size``, ``cut_mode``,
``charset``, ``qr_mode``, ``emoji_font_path``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlparse

import serial
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Serial, Usb

from kiosk.devices.base import DriverSink
from kiosk.devices.drivers.escpos_receipt import (
    DEFAULT_ESCPOS_PROFILE,
    ReceiptRenderer,
    ReceiptStyle,
)
from kiosk.devices.errors import DeviceDependencyMissing, DeviceDisconnected, DeviceProtocolError
from kiosk.devices.printer import PrinterDriver, PrinterStatus

DLE_EOT = b"\x10\x04"


def status_from_bytes(printer: int, offline: int, error: int, paper: int) -> PrinterStatus:
    """Decode the four ``DLE EOT`` answers (Epson ESC/POS command reference bit layout)."""
    return PrinterStatus(
        answered=True,
        online=not printer & 0x08,
        cover_open=bool(offline & 0x04),
        paper_out=bool(offline & 0x20) or bool(paper & 0x60),
        paper_near_end=bool(paper & 0x0C),
        cutter_error=bool(error & 0x08),
        unrecoverable_error=bool(error & 0x20),
    )


class UrlSerial(Serial):
    """python-escpos Serial backend opened with ``serial_for_url`` (so ``socket://`` works)."""

    def open(self, raise_not_found: bool = True) -> None:
        try:
            self.device = serial.serial_for_url(
                self.devfile, baudrate=self.baudrate, timeout=self.timeout
            )
        except (ValueError, serial.SerialException) as exc:
            self.device = None
            raise DeviceDisconnected(f"cannot open serial printer {self.devfile}: {exc}") from exc


def backend_for(connection: str, options: Mapping[str, Any]) -> Callable[[], Escpos]:
    """A factory for the python-escpos backend named by ``connection``."""
    profile = options.get("escpos_profile", DEFAULT_ESCPOS_PROFILE)
    timeout = float(options.get("timeout", 5))
    url = urlparse(connection)
    if connection.startswith("dummy:"):
        return lambda: Dummy(profile=profile)
    if url.scheme == "tcp":
        host, port = url.hostname or "", url.port or 9100
        return lambda: Network(host, port=port, timeout=timeout, profile=profile)
    if url.scheme == "usb":
        vendor, _, product = url.netloc.partition(":")
        vid, pid = int(vendor, 16), int(product, 16)

        def usb() -> Escpos:
            if not Usb.is_usable():
                raise DeviceDependencyMissing(
                    "USB printing needs the pyusb library",
                    hint="Install pyusb (pip install pyusb).",
                )
            return Usb(vid, pid, profile=profile)

        return usb
    if url.scheme == "file":
        return lambda: File(url.path, profile=profile)
    if url.scheme == "serial" or connection.startswith("/dev/"):
        target = connection.removeprefix("serial:").removeprefix("//")
        baud = int(options.get("baudrate", 38400))
        return lambda: UrlSerial(target, baudrate=baud, timeout=timeout, profile=profile)
    raise ValueError(
        f"unknown printer connection {connection!r}: use tcp://host:9100, serial:///dev/…, "
        "usb://VID:PID, file:///dev/usb/lp0 or dummy:"
    )


class EscposPrinterDriver(PrinterDriver):
    driver_name = "escpos"

    def __init__(
        self,
        backend_factory: Callable[[], Escpos],
        style: ReceiptStyle | None = None,
        *,
        read_status: bool = True,
    ) -> None:
        self.backend_factory = backend_factory
        self.renderer = ReceiptRenderer(style)
        self.read_status_enabled = read_status
        self.backend: Escpos | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> EscposPrinterDriver:
        opts = dict(options)
        status = opts.pop("status", "none" if connection.startswith("file:") else "dle_eot")
        if status not in ("dle_eot", "none"):
            raise ValueError(f"status must be 'dle_eot' or 'none', not {status!r}")
        style_fields = {f.name for f in dataclasses.fields(ReceiptStyle)}
        style = ReceiptStyle(**{k: v for k, v in opts.items() if k in style_fields})
        unknown = set(opts) - style_fields - {"baudrate", "timeout"}
        if unknown:
            raise ValueError(f"unknown printer option(s): {', '.join(sorted(unknown))}")
        return cls(backend_for(connection, opts), style, read_status=status == "dle_eot")

    # --- DeviceDriver ---

    def open(self, sink: DriverSink) -> None:
        backend = self.backend_factory()
        try:
            backend.open()
        except DeviceDisconnected:
            raise
        except (EscposError, OSError, serial.SerialException) as exc:
            raise DeviceDisconnected(f"cannot open the printer: {exc}") from exc
        self.backend = backend

    def close(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            with contextlib.suppress(Exception):
                backend.close()

    # --- PrinterDriver ---

    @property
    def columns(self) -> int:  # type: ignore[override]
        return self.renderer.style.columns

    def can_print_emoji(self, char: str) -> bool:
        return self.renderer.can_print_emoji(char)

    def render(self, lines: list[str], qr: str | None, cut: bool) -> bytes:
        return self.renderer.render(lines, qr, cut)

    def write(self, data: bytes) -> None:
        if self.backend is None:
            raise DeviceDisconnected("the printer is not open")
        try:
            self.backend._raw(data)
        except (EscposError, OSError, serial.SerialException) as exc:
            raise DeviceDisconnected(f"writing to the printer failed: {exc}") from exc

    def read_status(self) -> PrinterStatus:
        if not self.read_status_enabled:
            return PrinterStatus(answered=False)
        if self.backend is None:
            raise DeviceDisconnected("the printer is not open")
        answers: list[int] = []
        for n in (1, 2, 3, 4):
            try:
                self.backend._raw(DLE_EOT + bytes((n,)))
                reply = self.backend._read()
            except NotImplementedError:
                return PrinterStatus(answered=False)
            except (EscposError, OSError, serial.SerialException) as exc:
                raise DeviceDisconnected(f"the printer does not answer: {exc}") from exc
            if not reply:
                return PrinterStatus(answered=True, online=False)
            if reply[-1] & 0x93 != 0x12:  # bits 1 and 4 are always 1, bits 0 and 7 always 0
                raise DeviceProtocolError(
                    f"not an ESC/POS status answer: {reply!r}",
                    hint="Check the printer model / connection: is this an ESC/POS printer?",
                )
            answers.append(reply[-1])
        return status_from_bytes(*answers)
