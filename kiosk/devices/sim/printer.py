"""Simulated ESC/POS printer: a python-escpos backend that records jobs and answers DLE EOT.

It runs the real :class:`EscposPrinterDriver` (same rendering, same status decoding), so a
test sees exactly the bytes a TM printer would get. Status queries are kept out of
``output``; each ``write`` of a job is one entry in ``jobs``.
"""

from __future__ import annotations

from typing import Any

from escpos.escpos import Escpos

from kiosk.devices.drivers.escpos_printer import DLE_EOT, EscposPrinterDriver
from kiosk.devices.drivers.escpos_receipt import ReceiptStyle

_FIXED = 0x12  # bits 1 and 4 are always set in DLE EOT answers


class SimulatedPrinterBackend(Escpos):
    def __init__(self, profile: str = "TM-T88V", **kwargs: Any) -> None:
        super().__init__(profile=profile, **kwargs)
        self.jobs: list[bytes] = []
        self.queries: list[int] = []
        self.paper_out = False
        self.paper_near_end = False
        self.cover_open = False
        self.offline = False
        self.cutter_error = False
        self.connected = True
        self.fail_after_next_job: str | None = None
        self._reply = b""

    # --- python-escpos backend ---

    def open(self, raise_not_found: bool = True) -> None:
        if not self.connected:
            raise OSError("simulated printer is unplugged")
        self._device = True

    def close(self) -> None:
        self._device = False

    def _raw(self, msg: bytes) -> None:
        if not self.connected:
            raise OSError("simulated printer is unplugged")
        if len(msg) == 3 and msg[:2] == DLE_EOT:
            self.queries.append(msg[2])
            self._reply = bytes((self._status_byte(msg[2]),))
            return
        if self.paper_out or self.cover_open or self.offline:
            return  # a real printer would buffer and not print; nothing reaches the paper
        self.jobs.append(bytes(msg))
        if self.fail_after_next_job:
            setattr(self, self.fail_after_next_job, True)
            self.fail_after_next_job = None

    def _read(self) -> bytes:
        reply, self._reply = self._reply, b""
        return reply

    def _status_byte(self, n: int) -> int:
        value = _FIXED
        if n == 1 and (self.offline or self.paper_out or self.cover_open):
            value |= 0x08
        elif n == 2:
            value |= 0x04 if self.cover_open else 0
            value |= 0x20 if self.paper_out else 0
            value |= 0x40 if self.cutter_error else 0
        elif n == 3:
            value |= 0x08 if self.cutter_error else 0
        elif n == 4:
            value |= 0x0C if self.paper_near_end else 0
            value |= 0x60 if self.paper_out else 0
        return value

    @property
    def output(self) -> bytes:
        return b"".join(self.jobs)


class SimulatedPrinter(EscposPrinterDriver):
    """The escpos driver on a :class:`SimulatedPrinterBackend`, plus test controls."""

    driver_name = "sim"

    def __init__(self, style: ReceiptStyle | None = None) -> None:
        self.sim = SimulatedPrinterBackend(profile=(style or ReceiptStyle()).escpos_profile)
        super().__init__(lambda: self.sim, style)

    @classmethod
    def from_profile(cls, connection: str, options: Any) -> SimulatedPrinter:
        return cls(ReceiptStyle(**dict(options)))

    @property
    def jobs(self) -> list[bytes]:
        return self.sim.jobs

    def run_out_of_paper(self) -> None:
        self.sim.paper_out = True

    def run_out_of_paper_during_next_receipt(self) -> None:
        self.sim.fail_after_next_job = "paper_out"

    def set_paper_near_end(self, near_end: bool = True) -> None:
        self.sim.paper_near_end = near_end

    def load_paper(self) -> None:
        self.sim.paper_out = False
        self.sim.paper_near_end = False

    def open_cover(self) -> None:
        self.sim.cover_open = True

    def close_cover(self) -> None:
        self.sim.cover_open = False

    def jam_cutter(self) -> None:
        self.sim.cutter_error = True

    def go_offline(self) -> None:
        self.sim.offline = True

    def go_online(self) -> None:
        self.sim.offline = False

    def drop_connection(self) -> None:
        self.sim.connected = False

    def restore_connection(self) -> None:
        self.sim.connected = True
