"""Serial cash-changer driver speaking KCP/1 (see ``changer_protocol`` and docs/devices.md).

Options: ``baudrate`` (9600), ``timeout`` (3 s per command), ``dispense_timeout`` (30 s).
One command is in flight at a time; replies are matched by command code. Unsolicited frames
(``IN``, ``ES``, ``RT``, ``SC``) are handled on the reader thread; the escrow decision for a
note (``ES``) is answered from there with ``AC``/``RJ``, which the changer does not reply to.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.devices.base import DriverSink, Severity
from kiosk.devices.changer import ChangerDriver
from kiosk.devices.drivers.changer_protocol import (
    ChangerFramer,
    Message,
    encode,
    parse_inventory,
)
from kiosk.devices.drivers.serial_link import FrameError, SerialLinkDriver
from kiosk.devices.errors import (
    ChangerBusy,
    ChangerError,
    ChangerJam,
    ChangeUnavailable,
    DeviceDisconnected,
    DeviceProtocolError,
    DeviceTimeout,
)

log = logging.getLogger(__name__)

NG_ERRORS: dict[str, type[ChangerError]] = {
    "JAM": ChangerJam,
    "SHORT": ChangeUnavailable,
    "BUSY": ChangerBusy,
}


class SerialChangerDriver(ChangerDriver, SerialLinkDriver):
    driver_name = "serial"

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        timeout: float = 3.0,
        dispense_timeout: float = 30.0,
        port_factory: Callable[..., Any] | None = None,
        max_backoff: float = 1.0,
    ) -> None:
        self.timeout = timeout
        self.dispense_timeout = dispense_timeout
        self._init_link(url, baudrate, port_factory, max_backoff)
        self._sink: DriverSink | None = None
        self._command_lock = threading.Lock()
        self._pending: str | None = None
        self._replies: queue.Queue[Message] = queue.Queue()
        self._inventory: dict[int, int] = {}
        self._status = "ok"
        self.escrow_policy: Callable[[int], bool] | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> SerialChangerDriver:
        if not connection:
            raise ValueError("a serial changer needs a connection (a pyserial URL)")
        return cls(connection, **dict(options))

    # --- DeviceDriver ---

    def open(self, sink: DriverSink) -> None:
        self._sink = sink
        self._start_link(ChangerFramer(), sink, "changer")
        self._apply_status(self._command("ST").fields)

    def close(self) -> None:
        self._close_link()

    def check_health(self) -> str:
        self._apply_status(self._command("ST").fields)
        return self._status

    # --- ChangerDriver ---

    def start_deposit(self) -> None:
        self._command("DS")

    def stop_deposit(self) -> int:
        return int(self._command("DE").fields[0])

    def cancel_deposit(self) -> int:
        returned = int(self._command("CA").fields[0])
        self.read_inventory()
        return returned

    def dispense(self, amount: int) -> int:
        if self._status == "jammed":
            raise ChangerJam("the changer is jammed; nothing was paid out", paid=0)
        try:
            paid = int(self._command("DP", amount, timeout=self.dispense_timeout).fields[0])
        except ChangerJam as exc:
            paid = exc.paid
        self._apply_status(self._command("ST").fields)
        self.read_inventory()
        return paid

    def read_inventory(self) -> dict[int, int]:
        self._inventory = parse_inventory(self._command("IV").data)
        return dict(self._inventory)

    def cached_inventory(self) -> dict[int, int]:
        return dict(self._inventory)

    # --- protocol ---

    def _command(self, command: str, *fields: object, timeout: float | None = None) -> Message:
        if self.link is None:
            raise DeviceDisconnected("the changer is not open")
        with self._command_lock:
            while not self._replies.empty():
                self._replies.get_nowait()
            self._pending = command
            try:
                self.link.write(encode(command, *fields))
                try:
                    reply = self._replies.get(timeout=timeout or self.timeout)
                except queue.Empty:
                    raise DeviceTimeout(f"no answer to {command} from the changer") from None
            finally:
                self._pending = None
        if reply.command == "NG":
            reason = reply.fields[0] if reply.fields else "?"
            message = f"changer refused {command}: {' '.join(reply.fields)}"
            if reason not in NG_ERRORS:
                raise DeviceProtocolError(message)
            paid = int(reply.fields[1]) if len(reply.fields) > 1 else 0
            error = NG_ERRORS[reason](message, paid=paid)
            if reason == "JAM":
                self._apply_status(("JAM",))
            raise error
        return reply

    def _on_frame(self, frame: object) -> None:
        sink = self._sink
        if sink is None:
            return
        if isinstance(frame, FrameError):
            sink.driver_error(DeviceProtocolError(f"changer: {frame.reason} {frame.data!r}"))
            return
        assert isinstance(frame, Message)
        code, fields = frame.command, frame.fields
        if code == "IN":
            denom, total = int(fields[0]), int(fields[1])
            self._inventory[denom] = self._inventory.get(denom, 0) + 1
            sink.driver_data("deposit_amount", total)
        elif code == "ES":
            denom = int(fields[0])
            policy = self.escrow_policy
            accept = policy(denom) if policy is not None else True
            link = self.link
            # a failed write is reported by the link itself as a disconnect
            with contextlib.suppress(DeviceDisconnected):
                if link is not None:
                    link.write(encode("AC" if accept else "RJ", denom))
        elif code == "RT":
            sink.driver_status("note_returned", Severity.INFO, f"{fields[0]} yen handed back")
        elif code == "SC":
            self._apply_status(fields)
        elif self._pending is not None and code in (self._pending, "NG"):
            self._replies.put(frame)
        else:
            log.warning("changer: unexpected frame %s %s", code, fields)

    def _apply_status(self, fields: tuple[str, ...]) -> None:
        """``ST``/``SC`` fields: ``OK`` | ``JAM`` | ``NE=100,500`` | ``EM=1`` → status events."""
        jam = "JAM" in fields
        near = next((f[3:] for f in fields if f.startswith("NE=")), "")
        empty = next((f[3:] for f in fields if f.startswith("EM=")), "")
        if jam:
            status, severity, detail = "jam", Severity.ERROR, "jammed"
        elif empty:
            status, severity, detail = "empty", Severity.WARNING, f"empty: {empty}"
        elif near:
            status, severity, detail = "near_empty", Severity.WARNING, f"near empty: {near}"
        else:
            status, severity, detail = "ok", Severity.INFO, "ok"
        text = "ok" if status == "ok" else detail
        if text != self._status and self._sink is not None:
            denominations = [int(d) for d in (empty or near).split(",") if d]
            self._sink.driver_status(status, severity, detail, denominations=denominations)
        self._status = text
