"""KTP/1: the line-based JSON protocol between the kiosk and a networked card terminal.

One TCP connection per request. The kiosk sends one JSON object on one line (UTF-8, ``\\n``);
the terminal may send ``{"event": ...}`` progress lines (``present_card``, ``pin``) and then
exactly one reply line, and closes the connection. Requests::

    {"v": 1, "op": "sale",   "key": K, "amount": 1280, "offline": false}
    {"v": 1, "op": "status", "key": K}          # K: a payment key or a refund key
    {"v": 1, "op": "void",   "key": K}
    {"v": 1, "op": "refund", "key": K, "amount": 300, "refund_key": R}
    {"v": 1, "op": "link"}                      # is the terminal's card-network link up?

Reply::

    {"v": 1, "key": K, "result": R, "amount": 1280, "token": "…", "masked": "411111******1111",
     "message": "…"}

``result`` is ``approved``, ``declined``, ``cancelled``, ``refunded``, ``not_found`` or
``pending`` (still in progress: ask again or void). The same ``key`` (or ``refund_key``) sent
twice is answered from the terminal's record and never charges (or refunds) twice. The
card number stays in the terminal: the reply carries an opaque token and at most the first
six and last four digits. A dropped connection or no reply means the outcome is unknown.

``link`` is answered ``{"v": 1, "op": "link", "link": L}``: ``up`` (the card network answers),
``down`` (the terminal works but its network does not: only store-and-forward sales, under
the kiosk's offline caps) or ``closed`` (the terminal is not ready to take a card: not
connected, not enabled). A terminal that does not know ``link`` closes the connection: the
kiosk then takes its network as up and lets each sale's reply speak.
"""

from __future__ import annotations

import json
from typing import Any

VERSION = 1
RESULTS = ("approved", "declined", "cancelled", "refunded", "not_found", "pending")
LINKS = ("up", "down", "closed")  # the answers to "link"


class ProtocolError(ValueError):
    """A line that is not a KTP/1 message: check the terminal's protocol setting."""


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps({"v": VERSION, **message}, separators=(",", ":")) + "\n").encode()


def decode(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"not a JSON line: {exc}") from None
    if not isinstance(message, dict) or message.get("v") != VERSION:
        raise ProtocolError("not a KTP/1 message")
    if "event" not in message and message.get("result") not in RESULTS and "op" not in message:
        raise ProtocolError(f"unknown result {message.get('result')!r}")
    return message
