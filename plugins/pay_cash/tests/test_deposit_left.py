"""GIVEN a cash deposit with some money in and the shopper gone
WHEN the method's own wait for the shopper runs out
THEN the changer keeps the money (no payout to an empty tray) until Cancel — staff, after
the kiosk called them (docs/ui.md, walk-away) — gives it back, or the rest is put in.

Before: after ``deposit_timeout_s`` the deposit was cancelled and the ¥1,000 handed out to
nobody; with nothing put in, the wait still ends at that time.
"""

from __future__ import annotations

import threading
import time

from kiosk.payments.method import Outcome
from plugins.pay_cash import CashMethod, CashRecords, SimulatedCashChanger


def started(method: CashMethod, amount: int) -> tuple[threading.Thread, list]:
    results: list = []
    thread = threading.Thread(target=lambda: results.append(method.start(amount, "k1")))
    thread.start()
    return thread, results


def test_cash_put_in_stays_in_the_changer_past_the_wait(tmp_path) -> None:
    changer = SimulatedCashChanger()
    method = CashMethod(changer, CashRecords(tmp_path / "cash.json"), deposit_timeout_s=0.2)
    changer.insert(1000)
    thread, results = started(method, 2480)
    thread.join(1.0)  # five times the wait
    assert thread.is_alive() and changer.depositing and changer.net == 0
    assert method.start_deadline_s >= 3600  # the ledger's deadline does not end it either
    assert method.interrupt()  # Cancel (staff decide): the money comes back
    thread.join(5.0)
    assert results[0].outcome is Outcome.CANCELLED and results[0].change == 1000
    assert not changer.depositing


def test_nothing_put_in_the_wait_still_ends(tmp_path) -> None:
    changer = SimulatedCashChanger()
    method = CashMethod(changer, CashRecords(tmp_path / "cash.json"), deposit_timeout_s=0.2)
    changer.queue([])  # the shopper puts nothing in
    begun = time.monotonic()
    result = method.start(2480, "k2")
    assert result.outcome is Outcome.CANCELLED and time.monotonic() - begun < 5
