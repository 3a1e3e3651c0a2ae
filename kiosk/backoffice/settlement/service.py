"""Day-end settlement (精算): each kiosk's expected cash against what staff counted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import record
from kiosk.backoffice.core.errors import InvalidInput, NotFound
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.models import SalePaymentRow
from kiosk.backoffice.settlement.models import SettlementRow

CASH_METHODS = ("cash",)
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1)  # 金種


def cash_sales(session: Session, kiosk_id: str, day: date) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(SalePaymentRow.amount), 0)).where(
                SalePaymentRow.kiosk_id == kiosk_id,
                SalePaymentRow.business_date == day,
                SalePaymentRow.method.in_(CASH_METHODS),
            )
        )
        or 0
    )


def cash_sales_by_kiosk(session: Session, day: date) -> dict[str, int]:
    """:func:`cash_sales` of every kiosk with cash payments that day, in one query (a kiosk
    without any is not in it: 0)."""
    rows = session.execute(
        select(SalePaymentRow.kiosk_id, func.sum(SalePaymentRow.amount))
        .where(
            SalePaymentRow.business_date == day,
            SalePaymentRow.method.in_(CASH_METHODS),
        )
        .group_by(SalePaymentRow.kiosk_id)
    )
    return {kiosk_id: int(total or 0) for kiosk_id, total in rows}


def count_value(denominations: dict[int, int]) -> int:
    bad = [d for d in denominations if d not in DENOMINATIONS]
    if bad:
        raise InvalidInput(f"denominations: {bad} are not yen notes or coins")
    if any(n < 0 for n in denominations.values()):
        raise InvalidInput("denominations: counts must not be negative")
    return sum(d * n for d, n in denominations.items())


def settle(
    session: Session,
    kiosk_id: str,
    day: date,
    denominations: dict[int, int],
    float_amount: int,
    now: datetime,
    actor: str,
) -> SettlementRow:
    """Record (or redo) the settlement; discrepancy = counted − (float + cash sales)."""
    if session.get(KioskRow, kiosk_id) is None:
        raise NotFound(f"no kiosk {kiosk_id}")
    expected = float_amount + cash_sales(session, kiosk_id, day)
    counted = count_value(denominations)
    row = session.scalars(
        select(SettlementRow).where(
            SettlementRow.kiosk_id == kiosk_id, SettlementRow.business_date == day
        )
    ).first() or SettlementRow(kiosk_id=kiosk_id, business_date=day)
    row.float_amount, row.expected_cash, row.counted_cash = float_amount, expected, counted
    row.discrepancy = counted - expected
    row.denominations = {str(k): v for k, v in denominations.items()}
    row.counted_by, row.at = actor, now
    session.add(row)
    record(
        session, now, actor, "settlement", f"{kiosk_id}/{day}",
        {"expected": expected, "counted": counted, "discrepancy": row.discrepancy},
    )  # fmt: skip
    return row


def settlements(session: Session, day: date) -> list[SettlementRow]:
    return list(
        session.scalars(
            select(SettlementRow)
            .where(SettlementRow.business_date == day)
            .order_by(SettlementRow.kiosk_id)
        )
    )
