"""The hardware and the store server around an as-deployed kiosk, run inside the test.

Each device is a real link the kiosk's own drivers open, as in a shop:

* :class:`ScannerPort` — a serial barcode scanner on a pty pair; the kiosk opens a stable
  path (a symlink, as ``/dev/serial/by-id/…`` is) and the test writes codes + CR into the
  master side. ``unplug()`` hangs up the pty and removes the path; ``plug()`` brings a new
  pty back under the same path, as a re-plugged USB adapter does.
* the cash changer: :class:`ChangerPort`, a :class:`kiosk.devices.sim.changer.ChangerSimulator`
  (KCP/1 on a pty) behind a stable path; ``unplug()`` hangs up its cable, ``plug()`` brings
  a new pty back under the same path — the machine keeps its money and its deposit.
* the receipt printer: :class:`tests.devices.network_printer.PrinterServer` (ESC/POS, TCP).
* the card terminal: :class:`plugins.pay_card.simulator.CardTerminalSimulator` (KTP/1, TCP).
* :class:`Backoffice` — ``kiosk-backoffice migrate`` / ``enrol-kiosk`` / ``serve`` as
  processes on a SQLite file.

Every wait is a bounded poll on a condition.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from kiosk.devices.drivers.changer_protocol import ChangerFramer
from kiosk.devices.sim.changer import ChangerSimulator

ROOT = Path(__file__).resolve().parents[2]


def poll(condition: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    """Wait until ``condition()`` is truthy (returns it) or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScannerPort:
    """A serial scanner (CR suffix) behind a stable path the kiosk's profile names."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.master = self.slave = -1
        self.plug()

    def plug(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        staged = self.link.with_name(self.link.name + ".new")
        staged.unlink(missing_ok=True)
        staged.symlink_to(os.ttyname(self.slave))
        staged.replace(self.link)  # atomic: the kiosk never sees a half-made link

    def scan(self, code: str) -> None:
        """What a scanner sends for one code: the digits, then CR."""
        os.write(self.master, code.encode("ascii") + b"\r")

    def unplug(self) -> None:
        self.link.unlink(missing_ok=True)
        fds, self.master, self.slave = (self.master, self.slave), -1, -1
        for fd in fds:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def close(self) -> None:
        self.unplug()


class ChangerPort(ChangerSimulator):
    """The changer machine behind a by-id path (a USB-serial cable the test can pull).

    Pulling the cable loses nothing in the machine: the notes in it, the deposit in
    progress and its total stay; only the link goes. Plugged back in, the same path leads
    to a new pty, as a re-plugged USB adapter gets a new ``/dev/ttyUSBn``.
    """

    def __init__(self, link: Path) -> None:
        super().__init__()
        self.link = link
        self._point_link()

    def _point_link(self) -> None:
        staged = self.link.with_name(self.link.name + ".new")
        staged.unlink(missing_ok=True)
        staged.symlink_to(self.path)
        staged.replace(self.link)  # atomic: the kiosk never sees a half-made link

    def unplug(self) -> None:
        self.link.unlink(missing_ok=True)
        super().stop()  # the reader stops and the pty hangs up; the machine's state stays

    def plug(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._framer = ChangerFramer()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="changer-sim", daemon=True)
        self._thread.start()
        self._point_link()

    def stop(self) -> None:
        self.link.unlink(missing_ok=True)
        super().stop()


class Backoffice:
    """The store server as a deployment runs it: migrate, enrol the kiosk, serve."""

    def __init__(self, workdir: Path) -> None:
        self.db_path = workdir / "backoffice.sqlite3"
        self.db_url = f"sqlite:///{self.db_path}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "BACKOFFICE_PASSWORD": ""}
        self.command = str(Path(sys.executable).with_name("kiosk-backoffice"))
        self._cli("migrate", "--create")
        self.token = self._cli("enrol-kiosk", "K01").strip().splitlines()[-1]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "backoffice.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [self.command, "--database-url", self.db_url, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )
        poll(self._up, 30, "the back office to answer")

    def _cli(self, *args: str) -> str:
        done = subprocess.run(
            [self.command, "--database-url", self.db_url, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"kiosk-backoffice {args[0]} failed: {done.stderr}"
        return done.stdout

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"the back office exited: {self.log_path.read_text()}")
        try:
            return httpx.get(f"{self.url}/login", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def sales(self) -> list[tuple[str, str, int]]:
        """(sale_id, kiosk_id, total) of every sale the back office has."""
        with contextlib.closing(sqlite3.connect(self.db_path, timeout=5)) as db:
            return db.execute("SELECT sale_id, kiosk_id, total FROM bo_sales").fetchall()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)
        self._log.close()
