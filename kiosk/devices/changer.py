"""CashChanger (自動釣銭機): takes notes and coins, pays change, keeps inventory per denomination.

Data events: ``deposit_amount`` (running total, int yen), ``note_rejected`` (denomination),
``discrepancy`` (a :class:`Discrepancy`, 違算: change due ≠ change paid out). Status events:
``near_empty`` / ``empty`` (warning, with ``denominations``), ``jam`` (error), ``ok``,
``change_unavailable`` (warning: a note was handed back because change could not be made).
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.devices.base import DataEvent, Device, DeviceDriver, Severity
from kiosk.devices.drivers.changer_protocol import DENOMINATIONS, NOTES, plan_change
from kiosk.devices.errors import ChangerBusy, ChangeUnavailable

__all__ = ["DENOMINATIONS", "NOTES", "CashChanger", "ChangerDriver", "Discrepancy"]


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """違算 record: what the kiosk owed and what left the machine."""

    due: int
    paid: int
    reason: str
    at: datetime

    @property
    def shortfall(self) -> int:
        """Yen the customer is still owed (negative: the machine paid too much)."""
        return self.due - self.paid


class ChangerDriver(DeviceDriver):
    """What a changer driver provides. ``escrow_policy(denomination) -> bool`` is set by the
    device; the driver calls it (on its reader thread) before accepting a note."""

    escrow_policy: object = None

    @abstractmethod
    def start_deposit(self) -> None: ...

    @abstractmethod
    def stop_deposit(self) -> int:
        """Stop accepting; return the yen inserted since ``start_deposit``."""

    @abstractmethod
    def cancel_deposit(self) -> int:
        """Stop accepting and hand the inserted cash back; return the yen returned."""

    @abstractmethod
    def dispense(self, amount: int) -> int:
        """Pay out ``amount``; return what was actually paid (less on a jam)."""

    @abstractmethod
    def read_inventory(self) -> dict[int, int]:
        """Ask the machine for its counts per denomination (I/O)."""

    @abstractmethod
    def cached_inventory(self) -> dict[int, int]:
        """The last known counts (no I/O), kept up to date by deposit events."""


class CashChanger(Device):
    device_class = "CashChanger"
    driver: ChangerDriver
    DENOMINATIONS = DENOMINATIONS

    def __init__(self, driver: ChangerDriver, *, name: str | None = None) -> None:
        super().__init__(driver, name=name)
        self._deposit_lock = threading.Lock()
        self._depositing = False
        self._amount_due: int | None = None
        self._deposited = 0
        self.discrepancies: list[Discrepancy] = []
        driver.escrow_policy = self._accept_note

    @property
    def depositing(self) -> bool:
        return self._depositing

    def _on_enabled(self) -> None:
        self.driver.read_inventory()

    # --- API for the cash payment plugin ---

    def begin_deposit(self, amount_due: int | None = None) -> None:
        """Start taking cash. With ``amount_due`` a note is handed back when change for it
        could not be made, or when the amount is already covered."""
        with self._operation("begin_deposit"):
            with self._deposit_lock:
                if self._depositing:
                    raise ChangerBusy("a deposit is already running", device=self.name)
                self._depositing = True
                self._amount_due = amount_due
                self._deposited = 0
            try:
                self.driver.start_deposit()
            except Exception:
                self._depositing = False
                raise

    def end_deposit(self) -> int:
        """Stop taking cash; return the yen inserted (the machine keeps it)."""
        with self._operation("end_deposit"):
            try:
                total = self.driver.stop_deposit()
            finally:
                self._depositing = False
        self.stats.increment("yen_deposited", total)
        return total

    def cancel_deposit(self) -> int:
        """Stop taking cash and give it back; return the yen returned."""
        with self._operation("cancel_deposit"):
            try:
                return self.driver.cancel_deposit()
            finally:
                self._depositing = False

    def dispense_change(self, amount: int) -> int:
        """Pay out ``amount`` yen; return what was paid. A difference (jam, miscount) creates
        a :class:`Discrepancy` data event (違算) and is kept in ``discrepancies``.

        :raises ChangeUnavailable: nothing was paid because the inventory cannot make it.
        """
        if amount < 0:
            raise ValueError("amount must not be negative")
        if amount == 0:
            return 0
        with self._operation("dispense_change"):
            if self._depositing:
                raise ChangerBusy("end the deposit before paying change", device=self.name)
            if plan_change(amount, self.driver.cached_inventory()) is None:
                raise ChangeUnavailable(f"cannot make {amount} yen from stock", device=self.name)
            paid = self.driver.dispense(amount)
        self.stats.increment("yen_dispensed", paid)
        if paid != amount:
            self._record_discrepancy(amount, paid, "dispensed amount differs from change due")
        return paid

    def inventory(self) -> dict[int, int]:
        """Counts per denomination, asked from the machine (I/O)."""
        with self._operation("inventory"):
            return self.driver.read_inventory()

    def can_make_change(self, amount: int) -> bool:
        """Could the machine pay ``amount`` now? Uses the last known inventory (no I/O)."""
        return amount <= 0 or plan_change(amount, self.driver.cached_inventory()) is not None

    # --- driver callbacks ---

    def _record_discrepancy(self, due: int, paid: int, reason: str) -> None:
        record = Discrepancy(due, paid, reason, datetime.now(UTC))
        self.discrepancies.append(record)
        self.stats.increment("discrepancies")
        self._emit_data("discrepancy", record)
        self.driver_status(
            "discrepancy",
            Severity.ERROR,
            f"違算: due {due} yen, paid {paid} yen — count the cash and settle by hand",
            due=due,
            paid=paid,
        )

    def _emit_data(self, kind: str, data: object) -> None:
        # discrepancies must reach staff even when the device was disabled meanwhile
        self.stats.increment(kind)
        self._emit(DataEvent(self.name, kind, data))

    def _accept_note(self, denomination: int) -> bool:
        """Escrow decision, called on the driver's reader thread before a note is stacked."""
        due = self._amount_due
        if due is None or denomination not in NOTES:
            return True
        total = self._deposited + denomination
        if self._deposited >= due:
            reason = "amount already covered"
        elif total - due > 0 and not self.can_make_change(total - due):
            reason = "no change for this note"
        else:
            return True
        self.stats.increment("notes_rejected")
        self._emit_data("note_rejected", denomination)
        self.driver_status(
            "change_unavailable" if reason.startswith("no change") else "note_returned",
            Severity.WARNING,
            f"{denomination} yen note handed back: {reason}",
            denomination=denomination,
        )
        return False

    def driver_data(self, kind: str, data: object) -> None:
        if kind == "deposit_amount" and isinstance(data, int):
            self._deposited = data
        super().driver_data(kind, data)
