"""A card terminal on 127.0.0.1 speaking KTP/1, for development, tests and the kit.

Script the next sale with ``decline_next()``, ``time_out_next(charged=False)`` (no reply
until the kiosk gives up), ``drop_next(charged)`` (closes mid-payment), ``approve_late_next()``
(charges only after the kiosk stopped waiting: ``status`` then says approved). ``offline``
makes the terminal's card-network link down: it answers ``link`` with ``down`` and approves
store-and-forward sales locally; ``closed = True`` answers ``closed`` (not ready for a card). ``charges[key]`` counts real
charges; ``net(key)`` is what the card holder is charged now. The card number never leaves
this object (replies carry a token and first 6 / last 4).

``follow`` links it to the hardware profile's simulated payment terminal
(:class:`kiosk.devices.sim.payment_terminal.SimulatedPaymentTerminal`): a sale with nothing
scripted here takes the next step scripted there — which is what the developer device panel
scripts — and is refused while that terminal is disconnected. See :func:`profile_terminal`.
"""

from __future__ import annotations

import socketserver
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from kiosk.devices.sim.payment_terminal import SimulatedPaymentTerminal
from plugins.pay_card.protocol import ProtocolError, decode, encode

TEST_CARD = "4111111111111111"  # the well-known test PAN; stays inside the terminal
WAIT_FOR_HANGUP_S = 30.0  # bound on how long a scripted timeout holds a connection


@dataclass
class _Payment:
    amount: int
    state: str  # approved | declined | cancelled | pending
    token: str = ""
    refunded: int = 0


def profile_terminal(device: Any) -> SimulatedPaymentTerminal | None:
    """The simulated terminal behind the profile's ``terminal`` device, if it is one."""
    driver = getattr(device, "driver", None)
    return driver if isinstance(driver, SimulatedPaymentTerminal) else None


# the device simulator's script → this simulator's (action, charged)
_FOLLOWED = {"approve": ("approve", True), "decline": ("decline", False), "late": ("late", True)}


class CardTerminalSimulator:
    def __init__(
        self, card_number: str = TEST_CARD, follow: SimulatedPaymentTerminal | None = None
    ) -> None:
        self._pan = card_number
        self.follow = follow
        self.payments: dict[str, _Payment] = {}
        self.refunds: dict[str, int] = {}
        self.charges: dict[str, int] = {}
        self.requests: list[str] = []  # ops received, in order
        self.offline = False  # the card network is down (link: "down")
        self.closed = False  # the terminal is not ready for a card (link: "closed")
        self.link_probes = 0  # "link" requests (kept out of ``requests``: payment ops only)
        self.on_sale: Any = None  # test hook: called with the key when a sale arrives
        self._script: deque[tuple[str, bool]] = deque()
        self._lock = threading.Lock()
        self._server: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> CardTerminalSimulator:
        simulator = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = WAIT_FOR_HANGUP_S

            def handle(self) -> None:
                simulator._handle(self)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the simulator first"
        return self._server.server_address[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- script ---

    def decline_next(self) -> None:
        self._script.append(("decline", False))

    def time_out_next(self, charged: bool = False) -> None:
        self._script.append(("timeout", charged))

    def drop_next(self, charged: bool) -> None:
        self._script.append(("drop", charged))

    def approve_late_next(self) -> None:
        self._script.append(("late", True))

    def net(self, key: str) -> int:
        with self._lock:
            p = self.payments.get(key)
            return p.amount - p.refunded if p and p.state == "approved" else 0

    # --- the terminal ---

    def _handle(self, conn: socketserver.StreamRequestHandler) -> None:
        try:
            request = decode(conn.rfile.readline())
        except (ProtocolError, OSError):
            return
        op, key = request.get("op"), str(request.get("key", ""))
        if op == "link":
            self.link_probes += 1
            self._reply(conn, {"op": "link", "link": self._link()})
            return
        self.requests.append(str(op))
        if op == "sale":
            self._sale(conn, key, int(request["amount"]), bool(request.get("offline")))
        elif op == "status":
            self._reply(conn, self._status(key))
        elif op == "void":
            self._reply(conn, self._void(key))
        elif op == "refund":
            self._reply(conn, self._refund(key, int(request["amount"]), request["refund_key"]))

    def _sale(self, conn, key: str, amount: int, offline: bool) -> None:
        if self.on_sale is not None:
            self.on_sale(key)
        with self._lock:
            known = self.payments.get(key)
            if known is not None and known.state != "pending":
                action, charged = "replay", False
            elif known is not None:
                action, charged = "pending", False
            else:
                action, charged = self._script.popleft() if self._script else self._followed()
                self.payments[key] = _Payment(amount, "pending")
        if action == "replay" or action == "pending":
            self._reply(conn, self._status(key))
            return
        if action == "offline":  # the followed terminal is disconnected: nothing charged
            self._settle(key, "cancelled")
            self._reply(conn, self._status(key) | {"message": "terminal not connected"})
            return
        self._send(conn, {"event": "present_card"})
        if action == "no_card":  # the shopper presented no card: nothing charged
            self._settle(key, "cancelled")
            self._reply(conn, self._status(key) | {"message": "no card presented"})
        elif action == "approve":
            self._reply(conn, self._approve(key, offline))
        elif action == "decline":
            self._settle(key, "declined")
            self._reply(conn, self._status(key) | {"message": "card declined (51)"})
        elif action == "drop":
            self._approve(key, offline) if charged else self._settle(key, "cancelled")
        else:  # timeout / late: hold the line until the kiosk gives up, then settle
            conn.rfile.read()  # returns when the kiosk closes (bounded by Handler.timeout)
            self._approve(key, offline) if charged else self._settle(key, "cancelled")

    def _link(self) -> str:
        """``closed`` while the followed device simulator is disconnected or this is."""
        if self.closed or (self.follow is not None and not self.follow.connected):
            return "closed"
        return "down" if self.offline else "up"

    def _followed(self) -> tuple[str, bool]:
        """The next step of the followed device simulator's script (approve when none)."""
        terminal = self.follow
        if terminal is None:
            return "approve", True
        if not terminal.connected:
            return "offline", False
        try:
            step, arg = terminal.script.popleft()
        except IndexError:
            return "approve", True
        if step == "timeout":
            return "no_card", False
        if step == "drop":
            return "drop", bool(arg)
        return _FOLLOWED.get(step, ("approve", True))

    def _approve(self, key: str, offline: bool) -> dict[str, Any]:
        with self._lock:
            payment = self.payments[key]
            if payment.state == "pending":
                self.charges[key] = self.charges.get(key, 0) + 1
                payment.state = "approved"
                prefix = "SAF" if offline or self.offline else "TOK"
                payment.token = f"{prefix}-{len(self.charges):06d}-{key[:8]}"
        return self._status(key)

    def _settle(self, key: str, state: str) -> None:
        with self._lock:
            if self.payments[key].state == "pending":
                self.payments[key].state = state

    def _status(self, key: str) -> dict[str, Any]:
        with self._lock:
            if key in self.refunds:
                return {"key": key, "result": "refunded", "amount": self.refunds[key]}
            payment = self.payments.get(key)
            if payment is None:
                return {"key": key, "result": "not_found", "amount": 0}
            reply = {"key": key, "result": payment.state, "amount": payment.amount}
            if payment.state == "approved":
                reply |= {"token": payment.token, "masked": self._masked()}
            return reply

    def _void(self, key: str) -> dict[str, Any]:
        with self._lock:
            payment = self.payments.setdefault(key, _Payment(0, "cancelled"))  # tombstone
            payment.state = "cancelled"
        return {"key": key, "result": "cancelled", "amount": payment.amount if payment else 0}

    def _refund(self, key: str, amount: int, refund_key: str) -> dict[str, Any]:
        with self._lock:
            if refund_key in self.refunds:
                return {"key": refund_key, "result": "refunded", "amount": self.refunds[refund_key]}
            payment = self.payments.get(key)
            if payment is None or payment.state != "approved":
                return {"key": refund_key, "result": "declined", "amount": 0}
            if amount > payment.amount - payment.refunded:
                return {"key": refund_key, "result": "declined", "amount": 0}
            payment.refunded += amount
            self.refunds[refund_key] = amount
            return {"key": refund_key, "result": "refunded", "amount": amount}

    def _masked(self) -> str:
        return self._pan[:6] + "*" * (len(self._pan) - 10) + self._pan[-4:]

    @staticmethod
    def _send(conn, message: dict[str, Any]) -> None:
        try:
            conn.wfile.write(encode(message))
            conn.wfile.flush()
        except OSError:
            pass

    def _reply(self, conn, message: dict[str, Any]) -> None:
        self._send(conn, message)
