"""An in-process cash changer with the calls of :class:`kiosk.devices.changer.CashChanger`.

Used when the kiosk has no changer device (development, tests, the conformance kit). Test
controls: ``insert(yen)`` queues what the next shopper puts in (split into notes and coins),
``queue(pieces, press_return=False)`` queues exact pieces (with nothing queued the shopper
inserts exactly the amount due), ``insert_now(yen)`` adds cash to a running deposit,
``jam_next_dispense(paid)``,
``lose_next_end_deposit()`` (the money is stacked, the reply is lost), ``unplug_next()``
(the next deposit fails before taking anything), ``set_inventory(counts)``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.devices.base import DataEvent
from kiosk.devices.changer import Discrepancy
from kiosk.devices.drivers.changer_protocol import DENOMINATIONS, NOTES, plan_change
from kiosk.devices.errors import ChangerBusy, ChangeUnavailable, DeviceDisconnected, DeviceTimeout

FLOAT: dict[int, int] = {1000: 20, 500: 20, 100: 50, 50: 20, 10: 50, 5: 20, 1: 50}


def pieces_for(amount: int) -> list[int]:
    """``1800`` → ``[1000, 500, 100, 100, 100]`` (what a shopper would insert)."""
    pieces, rest = [], amount
    for denom in DENOMINATIONS:
        while rest >= denom:
            pieces.append(denom)
            rest -= denom
    return pieces


class SimulatedCashChanger:
    name = "changer-sim"

    def __init__(self, inventory: dict[int, int] | None = None) -> None:
        start = FLOAT if inventory is None else inventory
        self.stock = dict.fromkeys(DENOMINATIONS, 0) | dict(start)
        self.discrepancies: list[Discrepancy] = []
        self.stacked_total = 0  # every yen the machine kept from shoppers
        self.dispensed_total = 0  # every yen it paid out
        self.deposits = 0  # deposits that ended with money stacked
        self._plans: deque[tuple[list[int], bool]] = deque()
        self._subscribers: list[Callable[[DataEvent], None]] = []
        self._lock = threading.Lock()
        self._depositing = False
        self._due: int | None = None
        self._escrow = 0
        self._jam_paid: int | None = None
        self._lose_end = False
        self._unplug = False

    # --- test controls ---

    def insert(self, yen: int) -> None:
        self.queue(pieces_for(yen))

    def queue(self, pieces: list[int], press_return: bool = False) -> None:
        self._plans.append((list(pieces), press_return))

    def insert_now(self, yen: int) -> None:
        """The shopper puts ``yen`` more in while a deposit is running (another thread)."""
        if not self._depositing:
            raise ChangerBusy("no deposit is running", device=self.name)
        for piece in pieces_for(yen):
            self._offer(piece)

    def jam_next_dispense(self, paid: int = 0) -> None:
        self._jam_paid = paid

    def lose_next_end_deposit(self) -> None:
        self._lose_end = True

    def unplug_next(self) -> None:
        self._unplug = True

    def set_inventory(self, counts: dict[int, int]) -> None:
        self.stock = dict.fromkeys(DENOMINATIONS, 0) | dict(counts)

    @property
    def net(self) -> int:
        return self.stacked_total - self.dispensed_total

    # --- the CashChanger calls ---

    @property
    def depositing(self) -> bool:
        return self._depositing

    def subscribe(self, callback: Callable[[DataEvent], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def can_make_change(self, amount: int) -> bool:
        return amount <= 0 or plan_change(amount, self.stock) is not None

    def inventory(self) -> dict[int, int]:
        return dict(self.stock)

    def begin_deposit(self, amount_due: int | None = None) -> None:
        with self._lock:
            if self._depositing:
                raise ChangerBusy("a deposit is already running", device=self.name)
            if self._unplug:
                self._unplug = False
                raise DeviceDisconnected("changer unplugged", device=self.name)
            self._depositing, self._due, self._escrow = True, amount_due, 0
        # no plan queued: the shopper inserts exactly what is due (scripts, demos)
        exact = (pieces_for(amount_due or 0), False)
        pieces, press_return = self._plans.popleft() if self._plans else exact
        for piece in pieces:
            self._offer(piece)
        if press_return:
            self._emit("return_requested", self._escrow)

    def end_deposit(self) -> int:
        with self._lock:
            taken, self._escrow, self._depositing = self._escrow, 0, False
            for piece in pieces_for(taken):
                self.stock[piece] = self.stock.get(piece, 0) + 1
            self.stacked_total += taken
            if taken:
                self.deposits += 1
            if self._lose_end:
                self._lose_end = False
                raise DeviceTimeout("no answer to end of deposit", device=self.name)
            return taken

    def cancel_deposit(self) -> int:
        with self._lock:
            returned, self._escrow, self._depositing = self._escrow, 0, False
            return returned

    def dispense_change(self, amount: int) -> int:
        if amount <= 0:
            return 0
        with self._lock:
            if self._depositing:
                raise ChangerBusy("end the deposit before paying change", device=self.name)
            plan = plan_change(amount, self.stock)
            if plan is None:
                raise ChangeUnavailable(f"cannot make {amount} yen from stock", device=self.name)
            paid = amount if self._jam_paid is None else min(self._jam_paid, amount)
            self._jam_paid = None
            for denom, count in plan.items():
                self.stock[denom] -= count
            self.dispensed_total += paid
        if paid != amount:
            record = Discrepancy(amount, paid, "dispense jammed", datetime.now(UTC))
            self.discrepancies.append(record)
            self._emit("discrepancy", record)
        return paid

    # --- internals ---

    def _offer(self, piece: int) -> None:
        due = self._due
        if piece in NOTES and due is not None:
            over = self._escrow + piece - due
            if self._escrow >= due or (over > 0 and not self.can_make_change(over)):
                self._emit("note_rejected", piece)
                return
        self._escrow += piece
        self._emit("deposit_amount", self._escrow)

    def _emit(self, kind: str, data: object) -> None:
        for callback in list(self._subscribers):
            callback(DataEvent(self.name, kind, data))
