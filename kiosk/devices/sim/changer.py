"""Simulated cash changer speaking KCP/1 on a pty pair (``os.openpty()``).

The real :class:`SerialChangerDriver` talks to it through the pty's slave path, so the
protocol, framing and reader thread are all exercised. Test controls: ``insert(yen)``,
``jam()``, ``jam_next_dispense(after_pieces)``, ``clear_jam()``, ``set_inventory(counts)``,
``unplug()``.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty
from collections.abc import Mapping
from typing import Any

from kiosk.devices.base import DriverSink
from kiosk.devices.drivers.changer_protocol import (
    DENOMINATIONS,
    NOTES,
    ChangerFramer,
    Message,
    encode,
    format_inventory,
    plan_change,
)
from kiosk.devices.drivers.serial_changer import SerialChangerDriver

#: A typical morning float (釣銭準備金): 1000-yen notes and coins; big notes go to the cashbox.
DEFAULT_FLOAT: dict[int, int] = {
    10000: 0,
    5000: 0,
    2000: 0,
    1000: 20,
    500: 20,
    100: 50,
    50: 20,
    10: 50,
    5: 20,
    1: 50,
}


class ChangerSimulator:
    """The machine side of KCP/1 on the master end of a pty."""

    def __init__(self, inventory: Mapping[int, int] | None = None, near_empty: int = 5) -> None:
        self.inventory = dict.fromkeys(DENOMINATIONS, 0) | dict(inventory or DEFAULT_FLOAT)
        self.near_empty = near_empty
        self.depositing = False
        self.total = 0
        self.inserted: list[int] = []
        self.jammed = False
        self.jam_after_pieces: int | None = None
        self.received: list[Message] = []
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._framer = ChangerFramer()
        self._write_lock = threading.Lock()
        self._escrow: dict[int, threading.Event] = {}
        self._escrow_result: dict[int, bool] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="changer-sim", daemon=True)
        self._thread.start()

    # --- test controls ---

    def insert(self, yen: int, timeout: float = 5.0) -> bool:
        """Put a note or coin in. Notes wait in escrow for the host's AC/RJ; returns accepted."""
        if yen not in DENOMINATIONS:
            raise ValueError(f"{yen} is not a yen denomination")
        if not self.depositing or self.jammed:
            self._send("RT", yen)
            return False
        if yen in NOTES:
            decided = self._escrow.setdefault(yen, threading.Event())
            decided.clear()
            self._send("ES", yen)
            if not decided.wait(timeout):
                raise TimeoutError("the host did not answer the escrow request")
            if not self._escrow_result.get(yen):
                return False
        self._stack(yen)
        return True

    def jam(self) -> None:
        self.jammed = True
        self._send("SC", "JAM")

    def jam_next_dispense(self, after_pieces: int = 1) -> None:
        self.jam_after_pieces = after_pieces

    def clear_jam(self) -> None:
        self.jammed = False
        self._send("SC", *self._status_fields())

    def set_inventory(self, counts: Mapping[int, int]) -> None:
        self.inventory = dict.fromkeys(DENOMINATIONS, 0) | dict(counts)

    def unplug(self) -> None:
        """Hang up the pty: the driver sees a disconnect."""
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        # close each descriptor once: a second close could hit a number since reused elsewhere
        fds, self._master, self._slave = (self._master, self._slave), -1, -1
        for fd in fds:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)

    # --- machine ---

    def _stack(self, yen: int) -> None:
        self.inventory[yen] += 1
        self.inserted.append(yen)
        self.total += yen
        self._send("IN", yen, self.total)

    def _send(self, command: str, *fields: object) -> None:
        with self._write_lock, contextlib.suppress(OSError):
            os.write(self._master, encode(command, *fields))

    def _status_fields(self) -> list[str]:
        if self.jammed:
            return ["JAM"]
        out = []
        dispensable = [d for d in DENOMINATIONS if d not in NOTES or d == 1000]
        empty = [str(d) for d in dispensable if self.inventory[d] == 0]
        near = [str(d) for d in dispensable if 0 < self.inventory[d] <= self.near_empty]
        if near:
            out.append("NE=" + ",".join(near))
        if empty:
            out.append("EM=" + ",".join(empty))
        return out or ["OK"]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                data = os.read(self._master, 1024) if ready else b""
            except OSError:
                return
            for frame in self._framer.feed(data):
                if isinstance(frame, Message):
                    self.received.append(frame)
                    self._handle(frame)
                else:
                    self._send("NG", "BCC")

    def _handle(self, msg: Message) -> None:
        cmd, fields = msg.command, msg.fields
        if cmd in ("AC", "RJ"):
            yen = int(fields[0])
            self._escrow_result[yen] = cmd == "AC"
            if cmd == "RJ":
                self._send("RT", yen)
            self._escrow.setdefault(yen, threading.Event()).set()
        elif cmd == "ST":
            self._send("ST", *self._status_fields())
        elif cmd == "IV":
            self._send("IV", format_inventory(self.inventory))
        elif self.jammed:
            self._send("NG", "JAM", 0)
        elif cmd == "DS":
            if self.depositing:
                self._send("NG", "BUSY")
                return
            self.depositing, self.total, self.inserted = True, 0, []
            self._send("DS", "OK")
        elif cmd == "DE":
            self.depositing = False
            self._send("DE", self.total)
        elif cmd == "CA":
            self.depositing = False
            for yen in self.inserted:
                self.inventory[yen] -= 1
            returned, self.total, self.inserted = self.total, 0, []
            self._send("CA", returned)
        elif cmd == "DP":
            self._dispense(int(fields[0]))
        else:
            self._send("NG", "BADCMD")

    def _dispense(self, amount: int) -> None:
        plan = plan_change(amount, self.inventory)
        if plan is None:
            self._send("NG", "SHORT", 0)
            return
        paid = pieces = 0
        for yen in sorted(plan, reverse=True):
            for _ in range(plan[yen]):
                if self.jam_after_pieces is not None and pieces >= self.jam_after_pieces:
                    self.jam_after_pieces, self.jammed = None, True
                    self._send("NG", "JAM", paid)
                    return
                self.inventory[yen] -= 1
                paid += yen
                pieces += 1
        self._send("DP", paid)


class SimulatedChanger(SerialChangerDriver):
    """The real serial driver connected to a :class:`ChangerSimulator` (registry name "sim")."""

    driver_name = "sim"

    def __init__(self, inventory: Mapping[int, int] | None = None, near_empty: int = 5) -> None:
        super().__init__("")
        self._sim_args = (inventory, near_empty)
        self.sim: ChangerSimulator | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> SimulatedChanger:
        opts = dict(options)
        inventory = opts.pop("inventory", None)
        if inventory is not None:
            inventory = {int(k): int(v) for k, v in inventory.items()}
        return cls(inventory, **opts)

    def open(self, sink: DriverSink) -> None:
        if self.sim is None:
            self.sim = ChangerSimulator(*self._sim_args)
        self.url = self.sim.path
        super().open(sink)

    def close(self) -> None:
        super().close()
        if self.sim is not None:
            self.sim.stop()
            self.sim = None
