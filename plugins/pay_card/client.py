"""The kiosk side of KTP/1: one bounded request per connection."""

from __future__ import annotations

import socket
from typing import Any

from plugins.pay_card.protocol import LINKS, ProtocolError, decode, encode


class TerminalUnreachable(ConnectionError):
    """The request never left the kiosk (no connection): nothing can have been charged."""


class TerminalNoAnswer(TimeoutError):
    """The request was sent but no reply came (timeout, dropped): the outcome is unknown."""


class TerminalClient:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        connect_timeout_s: float = 3.0,
        sale_timeout_s: float = 90.0,
        query_timeout_s: float = 10.0,
    ) -> None:
        self.address = (host, port)
        self.connect_timeout_s = connect_timeout_s
        self.sale_timeout_s = sale_timeout_s
        self.query_timeout_s = query_timeout_s

    def sale(self, key: str, amount: int, offline: bool = False) -> dict[str, Any]:
        message = {"op": "sale", "key": key, "amount": amount, "offline": offline}
        return self.request(message, self.sale_timeout_s)

    def status(self, key: str) -> dict[str, Any]:
        return self.request({"op": "status", "key": key}, self.query_timeout_s)

    def void(self, key: str) -> dict[str, Any]:
        return self.request({"op": "void", "key": key}, self.query_timeout_s)

    def refund(self, key: str, amount: int, refund_key: str) -> dict[str, Any]:
        message = {"op": "refund", "key": key, "amount": amount, "refund_key": refund_key}
        return self.request(message, self.query_timeout_s)

    def link(self, timeout_s: float = 1.0) -> str:
        """The terminal's card-network link: ``up``, ``down`` or ``closed`` (protocol.py);
        ``unreachable`` when no connection is made; ``up`` from a terminal that does not
        answer ``link`` (it predates it: each sale's reply speaks)."""
        try:
            reply = self.request({"op": "link"}, timeout_s, connect_timeout_s=timeout_s)
        except TerminalUnreachable:
            return "unreachable"
        except TerminalNoAnswer:
            return "up"
        link = reply.get("link")
        return link if link in LINKS else "up"

    def request(
        self, message: dict[str, Any], timeout_s: float, *, connect_timeout_s: float | None = None
    ) -> dict[str, Any]:
        connect_s = self.connect_timeout_s if connect_timeout_s is None else connect_timeout_s
        try:
            sock = socket.create_connection(self.address, timeout=connect_s)
        except OSError as exc:
            raise TerminalUnreachable(f"terminal {self.address}: {exc.strerror or exc}") from None
        with sock:
            sock.settimeout(timeout_s)  # bounds each wait for the terminal
            try:
                sock.sendall(encode(message))
                reader = sock.makefile("rb")
                for line in reader:
                    reply = decode(line)
                    if "event" not in reply:
                        return reply
            except (OSError, ProtocolError) as exc:
                raise TerminalNoAnswer(f"no answer from the terminal: {exc}") from None
        raise TerminalNoAnswer("the terminal closed the connection without an answer")
