"""A harness for fault-injection runs: kiosks paying by card against one terminal simulator.

A *crash* is a ``SimulatedCrash`` (a BaseException, so nothing in the kiosk catches it): the
kiosk object is dropped with whatever the store holds at that instant, and a new kiosk is
built on the same data directory, as after a power cut. The audit afterwards reads only the
store and the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.payments.states import OPEN_STATES, PaymentKind, PaymentState
from kiosk.runtime import KioskRuntime, PaymentFailed
from kiosk.store.models import PaymentRow, SaleRow
from plugins.pay_card.simulator import CardTerminalSimulator

ONIGIRI = "4901234000018"


class SimulatedCrash(BaseException):
    """The kiosk process dies here."""


class Fault(StrEnum):
    NONE = "none"
    CRASH_BEFORE_SEND = "crash before send"
    CRASH_AFTER_SEND = "crash after send, before the reply"
    REPLY_LOST = "reply lost (connection dropped after charging)"
    NO_CHARGE_DROP = "connection dropped before charging"
    DECLINE = "declined"
    CRASH_BEFORE_COMMIT = "crash after approval, before commit"


def kiosk(data_dir: Path, terminal_port: int) -> KioskRuntime:
    config = load_config(
        None,
        data_dir=data_dir,
        builtin_plugins=("plugins.pay_cash", "plugins.pay_card"),
        plugin_config={"pay_card": {"host": "127.0.0.1", "port": terminal_port}},
    )
    return build_runtime(config)


def inject(runtime: KioskRuntime, terminal: CardTerminalSimulator, fault: Fault) -> None:
    card = runtime.method("card")
    real_start = type(card).start.__get__(card)

    def crash_before(amount: int, key: str):
        raise SimulatedCrash(fault)

    def crash_after(amount: int, key: str):
        real_start(amount, key)
        raise SimulatedCrash(fault)

    def crash_commit(sale) -> None:
        raise SimulatedCrash(fault)

    if fault is Fault.CRASH_BEFORE_SEND:
        card.start = crash_before
    elif fault is Fault.CRASH_AFTER_SEND:
        card.start = crash_after
    elif fault is Fault.REPLY_LOST:
        terminal.drop_next(charged=True)
    elif fault is Fault.NO_CHARGE_DROP:
        terminal.drop_next(charged=False)
    elif fault is Fault.DECLINE:
        terminal.decline_next()
    elif fault is Fault.CRASH_BEFORE_COMMIT:
        runtime.store.commit_sale = crash_commit


@dataclass
class Tally:
    payments: int = 0
    paid: list[str] = field(default_factory=list)  # sale ids the shopper saw as "paid"
    crashes: int = 0
    failed: int = 0


def one_sale(
    runtime: KioskRuntime, terminal: CardTerminalSimulator, fault: Fault, tally: Tally
) -> bool:
    """Run one sale with ``fault``; False if the kiosk crashed (the caller restarts it)."""
    runtime.handle_scan(Scan(ONIGIRI, source="fault-test"))
    inject(runtime, terminal, fault)
    tally.payments += 1
    try:
        sale = runtime.pay("card")
    except SimulatedCrash:
        tally.crashes += 1
        return False
    except PaymentFailed:
        tally.failed += 1
        if runtime.checkout.state is CheckoutState.NEEDS_ATTENDANT:
            runtime.checkout.approve("S001")  # staff looked at the unclear payment
        runtime.cancel_payment()  # the shopper walks away: back to shopping, then idle
        runtime.cancel()
        return True
    assert sale is not None
    tally.paid.append(sale.sale_id)
    runtime.finish()
    return True


@dataclass
class Audit:
    double_charges: int
    paid_without_approved_committed: int
    charged_without_sale: int
    unresolved: int
    payments: int


def audit(store, terminal: CardTerminalSimulator, paid: Callable[[], list[str]]) -> Audit:
    with store.transaction() as session:
        rows = list(session.scalars(select(PaymentRow)))
        sales = set(session.scalars(select(SaleRow.sale_id)))
    payments = [r for r in rows if r.kind == PaymentKind.PAYMENT]
    by_sale: dict[str, list[PaymentRow]] = {}
    for row in payments:
        by_sale.setdefault(row.sale_id, []).append(row)
    bad_paid = 0
    for sale_id in paid():
        approved = [r for r in by_sale.get(sale_id, []) if r.state == PaymentState.APPROVED]
        charged = all(terminal.net(r.idempotency_key) == r.approved_amount for r in approved)
        if sale_id not in sales or not approved or not charged:
            bad_paid += 1
    charged_no_sale = sum(
        1 for r in payments if terminal.net(r.idempotency_key) and r.sale_id not in sales
    )
    return Audit(
        double_charges=sum(1 for count in terminal.charges.values() if count > 1),
        paid_without_approved_committed=bad_paid,
        charged_without_sale=charged_no_sale,
        unresolved=sum(1 for r in rows if r.state in OPEN_STATES),
        payments=len(payments),
    )
