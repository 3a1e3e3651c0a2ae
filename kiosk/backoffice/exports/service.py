"""Exports: the accounting journal CSV (仕訳) and the 電子帳簿保存法 search.

Accounting CSV ("kiosk-journal-v1"): one row per debit/credit line, so any accounting
package's generic journal import can take it. Columns::

    date, slip_no, debit_account, credit_account, amount, tax_rate, tax_amount, memo

Per business day, per kiosk: the takings by payment method are debited (現金 cash,
売掛金 receivables for cashless, whose settlement comes later) and credited to 売上高 sales
per tax rate, with the tax inside (税込経理: amounts include tax, ``tax_amount`` is the
consumption tax contained). Debits and credits balance per slip.

電帳法 search (取引年月日・取引金額・取引先): over every sale, by date range, amount range and
counterparty, any combination, with indexes on each so it stays quick at millions of rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.sales.models import SalePaymentRow, SaleRow
from kiosk.csv_cells import neutralise_cell

JOURNAL_COLUMNS = (
    "date",
    "slip_no",
    "debit_account",
    "credit_account",
    "amount",
    "tax_rate",
    "tax_amount",
    "memo",
)
CASH_ACCOUNT, RECEIVABLE_ACCOUNT, SALES_ACCOUNT = "現金", "売掛金", "売上高"
MAX_PAGE = 1000


def accounting_rows(session: Session, first: date, last: date) -> Iterator[tuple]:
    taxes = session.execute(
        select(
            SaleRow.business_date,
            SaleRow.kiosk_id,
            func.sum(SaleRow.gross_standard),
            func.sum(SaleRow.tax_standard),
            func.sum(SaleRow.gross_reduced),
            func.sum(SaleRow.tax_reduced),
        )
        .where(SaleRow.business_date.between(first, last))
        .group_by(SaleRow.business_date, SaleRow.kiosk_id)
        .order_by(SaleRow.business_date, SaleRow.kiosk_id)
    ).all()
    payments: dict[tuple, list[tuple[str, int]]] = {}
    for day, kiosk, method, amount in session.execute(
        select(
            SalePaymentRow.business_date,
            SalePaymentRow.kiosk_id,
            SalePaymentRow.method,
            func.sum(SalePaymentRow.amount),
        )
        .where(SalePaymentRow.business_date.between(first, last))
        .group_by(SalePaymentRow.business_date, SalePaymentRow.kiosk_id, SalePaymentRow.method)
        .order_by(SalePaymentRow.method)
    ):
        payments.setdefault((day, kiosk), []).append((method, int(amount)))
    for slip, (day, kiosk, gs, ts, gr, tr) in enumerate(taxes, start=1):
        slip_no = f"{day:%Y%m%d}-{kiosk}-{slip}"
        for method, amount in payments.get((day, kiosk), []):
            account = CASH_ACCOUNT if method == "cash" else RECEIVABLE_ACCOUNT
            yield (day.isoformat(), slip_no, account, "", amount, "", 0, f"{kiosk} {method}")
        for rate, gross, tax in ((10, gs, ts), (8, gr, tr)):
            if gross:
                yield (
                    day.isoformat(),
                    slip_no,
                    "",
                    SALES_ACCOUNT,
                    int(gross),
                    rate,
                    int(tax),
                    f"{kiosk} 売上 {rate}%",
                )


def to_csv(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """CSV text (CRLF) with every cell neutralised (:func:`kiosk.csv_cells.neutralise_cell`);
    every CSV the back office writes goes through here."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in header])
    writer.writerows([neutralise_cell(v) for v in row] for row in rows)
    return out.getvalue()


@dataclass(frozen=True)
class SearchQuery:
    """Any combination of the three keys the law asks for; empty fields do not filter."""

    date_from: date | None = None
    date_to: date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    counterparty: str | None = None
    limit: int = 100
    offset: int = 0

    def check(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidInput("date range: 'from' is after 'to'")
        if (
            self.amount_min is not None
            and self.amount_max is not None
            and self.amount_min > self.amount_max
        ):
            raise InvalidInput("amount range: minimum is above maximum")
        if not 1 <= self.limit <= MAX_PAGE:
            raise InvalidInput(f"limit: 1–{MAX_PAGE}")


def _conditions(q: SearchQuery) -> list:
    where = []
    if q.date_from:
        where.append(SaleRow.completed_at >= datetime.combine(q.date_from, time()))
    if q.date_to:
        where.append(SaleRow.completed_at < datetime.combine(q.date_to + timedelta(days=1), time()))
    if q.amount_min is not None:
        where.append(SaleRow.total >= q.amount_min)
    if q.amount_max is not None:
        where.append(SaleRow.total <= q.amount_max)
    if q.counterparty:
        where.append(SaleRow.counterparty == q.counterparty)
    return where


def search(session: Session, q: SearchQuery) -> tuple[int, list[SaleRow]]:
    """Matching sales (newest first, one page) and how many match in all."""
    q.check()
    where = _conditions(q)
    total = session.scalar(select(func.count()).select_from(SaleRow).where(*where)) or 0
    rows = session.scalars(
        select(SaleRow)
        .where(*where)
        .order_by(SaleRow.completed_at.desc(), SaleRow.id.desc())
        .limit(q.limit)
        .offset(q.offset)
    ).all()
    return int(total), list(rows)


SEARCH_COLUMNS = (
    "completed_at",
    "sale_id",
    "kiosk_id",
    "receipt_no",
    "total",
    "tax_total",
    "counterparty",
)


def search_rows(rows: Iterable[SaleRow]) -> Iterator[tuple]:
    for r in rows:
        yield (
            r.completed_at.isoformat(sep=" "),
            r.sale_id,
            r.kiosk_id,
            r.receipt_no,
            r.total,
            r.tax_total,
            r.counterparty,
        )
