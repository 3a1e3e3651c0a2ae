"""The kiosk cash-changer line protocol ("KCP/1"), shared by the driver and the simulator.

Frame (all ASCII except STX/ETX)::

    STX  CMD(2 letters)  [SP DATA]  ETX  BCC(2 hex digits)

``BCC`` is the XOR of every byte from ``CMD`` to ``ETX`` inclusive, in upper-case hex. A frame
with a wrong BCC is dropped by the receiver (the changer answers ``NG BCC``; the host reports
an error event and the pending command times out). See docs/devices.md for the command list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from kiosk.devices.drivers.serial_link import Frame, FrameError

STX, ETX = 0x02, 0x03
MAX_FRAME = 200

#: Japanese yen denominations, largest first (札 notes, 硬貨 coins).
DENOMINATIONS: tuple[int, ...] = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1)
NOTES: frozenset[int] = frozenset({10000, 5000, 2000, 1000})


@dataclass(frozen=True, slots=True)
class Message:
    command: str
    fields: tuple[str, ...] = ()

    @property
    def data(self) -> str:
        return " ".join(self.fields)


def bcc(body: bytes) -> bytes:
    return f"{reduce(lambda a, b: a ^ b, body, 0):02X}".encode("ascii")


def encode(command: str, *fields: object) -> bytes:
    if len(command) != 2 or not command.isalpha():
        raise ValueError(f"command must be two letters, not {command!r}")
    text = " ".join([command.upper(), *(str(f) for f in fields)])
    body = text.encode("ascii") + bytes((ETX,))
    return bytes((STX,)) + body + bcc(body)


def parse_inventory(text: str) -> dict[int, int]:
    """``"10000=3,5000=0,…"`` → ``{10000: 3, 5000: 0, …}`` (every denomination present)."""
    counts = dict.fromkeys(DENOMINATIONS, 0)
    for item in filter(None, text.split(",")):
        denom, _, count = item.partition("=")
        counts[int(denom)] = int(count)
    return counts


def format_inventory(counts: dict[int, int]) -> str:
    return ",".join(f"{d}={counts.get(d, 0)}" for d in DENOMINATIONS)


class ChangerFramer:
    """Splits the byte stream into :class:`Message` frames (for :class:`SerialLink`)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def reset(self) -> None:
        self._buffer.clear()

    def feed(self, data: bytes) -> list[Frame | Message]:
        out: list[Frame | Message] = []
        self._buffer.extend(data)
        while True:
            start = self._buffer.find(bytes((STX,)))
            if start < 0:
                if self._buffer:
                    out.append(FrameError("bytes outside a frame", bytes(self._buffer)))
                self._buffer.clear()
                return out
            if start > 0:
                out.append(FrameError("bytes outside a frame", bytes(self._buffer[:start])))
                del self._buffer[:start]
            end = self._buffer.find(bytes((ETX,)))
            if end < 0 or len(self._buffer) < end + 3:
                if len(self._buffer) > MAX_FRAME:
                    out.append(FrameError("frame too long", bytes(self._buffer)))
                    self._buffer.clear()
                return out
            body = bytes(self._buffer[1 : end + 1])
            check = bytes(self._buffer[end + 1 : end + 3])
            del self._buffer[: end + 3]
            if check != bcc(body):
                out.append(FrameError("BCC mismatch", body))
                continue
            try:
                words = body[:-1].decode("ascii").split(" ")
            except UnicodeDecodeError:
                out.append(FrameError("non-ASCII frame", body))
                continue
            out.append(Message(words[0], tuple(w for w in words[1:] if w)))


def plan_change(amount: int, inventory: dict[int, int]) -> dict[int, int] | None:
    """Which notes/coins pay ``amount`` from ``inventory`` (fewest pieces), or None.

    Greedy works for the yen system with plenty of stock; with limited stock (and the 2000
    note) it can fail where another mix works, so a bounded search backs it up.
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    plan: dict[int, int] = {}
    rest = amount
    for denom in DENOMINATIONS:
        use = min(rest // denom, inventory.get(denom, 0))
        if use:
            plan[denom] = use
            rest -= use * denom
    if rest == 0:
        return plan
    # bounded change-making: 0/1 knapsack over binary-split piece counts, one "taken" row per
    # item so the reconstruction never reuses an item.
    inf = amount + 1
    best = [0] + [inf] * amount
    items: list[tuple[int, int, bytearray]] = []
    for denom in DENOMINATIONS:
        left, chunk = min(inventory.get(denom, 0), amount // denom), 1
        while left > 0:
            pieces = min(chunk, left)
            left, chunk = left - pieces, chunk * 2
            value, taken = pieces * denom, bytearray(amount + 1)
            for v in range(amount, value - 1, -1):
                if best[v - value] + pieces < best[v]:
                    best[v] = best[v - value] + pieces
                    taken[v] = 1
            items.append((denom, pieces, taken))
    if best[amount] >= inf:
        return None
    plan, v = {}, amount
    for denom, pieces, taken in reversed(items):
        if taken[v]:
            plan[denom] = plan.get(denom, 0) + pieces
            v -= denom * pieces
    return plan
