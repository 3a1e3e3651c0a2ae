"""Sales reports: live today, daily, monthly, P&L by department (部門別損益).

All sums are over integer yen in SQL; the same queries run on SQLite and PostgreSQL. Tax
per rate comes from the receipts' own per-rate totals (one rounding per rate per receipt,
as printed), never recomputed from lines.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.core.business_day import day_start
from kiosk.backoffice.inventory.models import StockMoveRow
from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.returns.models import ReturnRow
from kiosk.backoffice.sales.models import SaleLineRow, SalePaymentRow, SaleRow
from kiosk.domain.report_section import ReportSection

RATE_PERCENT = {"standard": 10, "reduced": 8}


def _is_sale() -> Any:
    """A ``bo_sales`` row that is a sale, not a return (a return is a negative document of its
    own: its money nets out of every sum, but it is no sale in the counts)."""
    return SaleRow.sale_id.not_in(select(ReturnRow.return_id))


@dataclass
class DayReport:
    day: date
    sales: int
    total: int
    tax_total: int
    by_hour: list[tuple[int, int, int]]  # hour, sales, total
    by_kiosk: list[tuple[str, int, int]]
    by_payment: list[tuple[str, int, int]]  # method, payments, amount
    by_tax: list[tuple[str, int, int]]  # tax category, gross (tax incl.), tax
    by_department: list[tuple[str, int, int]] = field(default_factory=list)  # dept, qty, amount
    sections: list[ReportSection] = field(default_factory=list)  # from kiosk_report_sections
    returns: int = 0  # return documents of the day (their refunds are already net in total)
    #: discounts and other adjustments of the day's sales: (label, count, amount), amount < 0
    discounts: list[tuple[str, int, int]] = field(default_factory=list)
    #: the day's returns: (time, kiosk, return no., original sale, reason, refund)
    return_lines: list[tuple[str, str, int, str, str, int]] = field(default_factory=list)
    #: per method of ``by_payment``, a tender of the day's documents that paid with it (the
    #: latest received): the names it kept, for the pages' labels (reports.labels)
    tenders: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "sales": self.sales,
            "returns": self.returns,
            "total": self.total,
            "tax_total": self.tax_total,
            "by_hour": [{"hour": h, "sales": n, "total": t} for h, n, t in self.by_hour],
            "by_kiosk": [{"kiosk_id": k, "sales": n, "total": t} for k, n, t in self.by_kiosk],
            "by_payment": [{"method": m, "count": n, "amount": a} for m, n, a in self.by_payment],
            "by_tax": [
                {"tax": c, "rate_percent": RATE_PERCENT.get(c), "gross": g, "tax_amount": t}
                for c, g, t in self.by_tax
            ],
            "by_department": [
                {"department": d, "quantity": q, "amount": a} for d, q, a in self.by_department
            ],
        }


def _hour(session: Session):
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%H", SaleRow.completed_at), Integer)
    return cast(extract("hour", SaleRow.completed_at), Integer)


def _in_day_order(session: Session, hours: list[tuple[int, int, int]]) -> list:
    """Hours from the business day's start: with a 04:00 start, 0:00–3:59 come after 23:00."""
    start = day_start(session).hour
    return sorted(hours, key=lambda row: (row[0] - start) % 24)


def day_report(session: Session, day: date, *, departments: bool = True) -> DayReport:
    on_day = SaleRow.business_date == day
    is_sale = _is_sale()
    count, returns, total, tax_total, gs, ts, gr, tr = session.execute(
        select(
            func.count().filter(is_sale),
            func.count().filter(~is_sale),
            func.coalesce(func.sum(SaleRow.total), 0),
            func.coalesce(func.sum(SaleRow.tax_total), 0),
            func.coalesce(func.sum(SaleRow.gross_standard), 0),
            func.coalesce(func.sum(SaleRow.tax_standard), 0),
            func.coalesce(func.sum(SaleRow.gross_reduced), 0),
            func.coalesce(func.sum(SaleRow.tax_reduced), 0),
        ).where(on_day)
    ).one()
    hour = _hour(session).label("hour")
    by_hour = session.execute(
        select(hour, func.count().filter(is_sale), func.sum(SaleRow.total))
        .where(on_day)
        .group_by(hour)
        .order_by(hour)
    ).all()
    by_kiosk = session.execute(
        select(SaleRow.kiosk_id, func.count().filter(is_sale), func.sum(SaleRow.total))
        .where(on_day)
        .group_by(SaleRow.kiosk_id)
        .order_by(SaleRow.kiosk_id)
    ).all()
    by_payment = session.execute(
        select(
            SalePaymentRow.method,
            func.count(),
            func.sum(SalePaymentRow.amount),
            func.max(SalePaymentRow.id),
        )
        .where(SalePaymentRow.business_date == day)
        .group_by(SalePaymentRow.method)
        .order_by(SalePaymentRow.method)
    ).all()
    by_department: list[Any] = []
    if departments:
        by_department = session.execute(
            select(
                SaleLineRow.department, func.sum(SaleLineRow.quantity), func.sum(SaleLineRow.amount)
            )
            .where(SaleLineRow.business_date == day)
            .group_by(SaleLineRow.department)
            .order_by(SaleLineRow.department)
        ).all()
    discounts: list[tuple[str, int, int]] = []
    return_lines: list[tuple[str, str, int, str, str, int]] = []
    if departments:  # the full report; the live Today page needs neither
        discounts = _discounts(session, day)
        return_lines = [
            (f"{r.completed_at:%H:%M}", r.kiosk_id, r.return_no, r.original_sale_id, r.reason,
             int(r.total))
            for r in session.scalars(
                select(ReturnRow).where(ReturnRow.business_date == day)
                .order_by(ReturnRow.completed_at, ReturnRow.return_id)
            )
        ]  # fmt: skip
    return DayReport(
        discounts=discounts,
        return_lines=return_lines,
        day=day,
        sales=int(count),
        returns=int(returns),
        total=int(total),
        tax_total=int(tax_total),
        by_hour=_in_day_order(session, [(int(h), int(n), int(t)) for h, n, t in by_hour]),
        by_kiosk=[(k, int(n), int(t)) for k, n, t in by_kiosk],
        by_payment=[(m, int(n), int(a)) for m, n, a, _ in by_payment],
        tenders=_tenders(session, [latest for *_, latest in by_payment]),
        by_tax=[("standard", int(gs), int(ts)), ("reduced", int(gr), int(tr))],
        by_department=[(d, int(q), int(a)) for d, q, a in by_department],
    )


def _tenders(session: Session, payment_ids: list[int]) -> dict[str, dict[str, Any]]:
    """``{method: tender}`` from the documents of these ``bo_sale_payments`` rows (one per
    method): the tender as the kiosk sent it, with the ``names`` it kept (none in a legacy
    document). One small query: the live page runs it after every ingest."""
    rows = session.execute(
        select(SalePaymentRow.method, SaleRow.document)
        .join(SaleRow, SaleRow.sale_id == SalePaymentRow.sale_id)
        .where(SalePaymentRow.id.in_(payment_ids))
    )
    found: dict[str, dict[str, Any]] = {}
    for method, document in rows:
        tenders = document.get("tenders") if isinstance(document, dict) else None
        for tender in tenders or ():
            if isinstance(tender, dict) and tender.get("method") == method:
                found[method] = tender
                break
    return found


def _discounts(session: Session, day: date) -> list[tuple[str, int, int]]:
    """The day's sale adjustments (discounts, coupons, promotions) by label, from the
    documents as the kiosks sent them: the label in Japanese and English, how many, and the
    sum (negative for a discount)."""
    found: dict[str, list[int]] = {}
    documents = session.scalars(select(SaleRow.document).where(SaleRow.business_date == day))
    for document in documents:
        for a in (document or {}).get("adjustments") or ():
            if not isinstance(a, dict) or not isinstance(a.get("amount"), int):
                continue
            names = [str(a[k]) for k in ("label_ja", "label_en") if a.get(k)]
            label = " ".join(dict.fromkeys(names)) or str(a.get("key") or a.get("kind") or "?")
            entry = found.setdefault(label, [0, 0])
            entry[0] += 1
            entry[1] += a["amount"]
    return sorted(((k, n, amount) for k, (n, amount) in found.items()), key=lambda r: r[2])


@dataclass
class MonthReport:
    year: int
    month: int
    days: list[dict[str, Any]]  # one per calendar day so far, zeros included

    @property
    def total(self) -> int:
        """Takings net of refunds, like the daily report's total."""
        return sum(d["total"] for d in self.days)

    @property
    def sales(self) -> int:
        return sum(d["sales"] for d in self.days)

    @property
    def returns(self) -> int:
        return sum(d["returns"] for d in self.days)

    @property
    def refunds(self) -> int:
        """What the returns paid back (negative yen), already netted out of :attr:`total`."""
        return sum(d["refunds"] for d in self.days)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "month": self.month,
            "sales": self.sales,
            "returns": self.returns,
            "refunds": self.refunds,
            "total": self.total,
            "days": self.days,
        }


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


# a month report's figures per day, in the order of its query's sums: sales and returns are
# counted apart (a return is no sale, as in the daily report); refunds are the returns' yen
# (negative) and the total is net of them
MONTH_COLUMNS = (
    "sales", "returns", "refunds", "total", "gross_standard", "tax_standard", "gross_reduced",
    "tax_reduced",
)  # fmt: skip


def month_report(session: Session, year: int, month: int, today: date | None = None) -> MonthReport:
    """Every day of the month, or with ``today`` every day up to it: days still to come are
    not listed (a day that already has sales is, whatever the clock says)."""
    first, last = month_bounds(year, month)
    is_sale = _is_sale()
    rows = session.execute(
        select(
            SaleRow.business_date,
            func.count().filter(is_sale),
            func.count().filter(~is_sale),
            func.sum(SaleRow.total).filter(~is_sale),
            func.sum(SaleRow.total),
            func.sum(SaleRow.gross_standard),
            func.sum(SaleRow.tax_standard),
            func.sum(SaleRow.gross_reduced),
            func.sum(SaleRow.tax_reduced),
        )
        .where(SaleRow.business_date.between(first, last))
        .group_by(SaleRow.business_date)
    ).all()
    found = {r[0]: r for r in rows}
    if today is not None and today < last:
        last = max([today, *found])
    days = []
    for n in range(1, last.day + 1 if last >= first else 1):
        d = date(year, month, n)
        r = found.get(d)
        values = [int(v or 0) for v in r[1:]] if r else [0] * len(MONTH_COLUMNS)
        days.append(dict(zip(MONTH_COLUMNS, values, strict=True)) | {"day": d.isoformat()})
    return MonthReport(year, month, days)


@dataclass(frozen=True)
class DepartmentPL:
    department: str
    revenue: int  # tax included, as rung up
    tax: int  # estimated from each line's rate (receipts round per rate; this is per dept)
    net: int
    cost_of_sales: int
    shrinkage: int
    gross_profit: int


def profit_and_loss(session: Session, first: date, last: date) -> list[DepartmentPL]:
    """Simple P&L by department: net sales − cost of sales − shrinkage (at cost)."""
    rows = session.execute(
        select(
            SaleLineRow.department,
            SaleLineRow.tax,
            func.sum(SaleLineRow.amount),
            func.sum(SaleLineRow.quantity * func.coalesce(ProductRow.cost, 0)),
        )
        .outerjoin(ProductRow, ProductRow.sku == SaleLineRow.sku)
        .where(SaleLineRow.business_date.between(first, last))
        .group_by(SaleLineRow.department, SaleLineRow.tax)
    ).all()
    shrink = dict(
        session.execute(
            select(ProductRow.department, func.sum(-StockMoveRow.quantity * StockMoveRow.unit_cost))
            .join(ProductRow, ProductRow.sku == StockMoveRow.sku)
            .where(
                StockMoveRow.kind == "shrink",
                StockMoveRow.at >= datetime.combine(first, time()),
                StockMoveRow.at < datetime.combine(last + timedelta(days=1), time()),
            )
            .group_by(ProductRow.department)
        ).all()
    )
    acc: dict[str, list[int]] = {}
    for dept, tax, amount, cost in rows:
        rate = RATE_PERCENT.get(tax, 10)
        amount = int(amount or 0)
        t = amount * rate // (100 + rate)
        a = acc.setdefault(dept, [0, 0, 0])
        a[0] += amount
        a[1] += t
        a[2] += int(cost or 0)
    for dept in shrink:
        acc.setdefault(dept, [0, 0, 0])
    result = []
    for dept in sorted(acc):
        revenue, tax, cost = acc[dept]
        loss = int(shrink.get(dept) or 0)
        result.append(
            DepartmentPL(dept, revenue, tax, revenue - tax, cost, loss, revenue - tax - cost - loss)
        )
    return result
