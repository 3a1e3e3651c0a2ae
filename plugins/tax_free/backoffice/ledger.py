"""The store-wide tax-free ledger (免税): every kiosk's purchase-record summaries in one table.

Kiosks keep their own records (with the sealed passport data) and send a summary through
the outbox whenever a record is written or changes (``tax_free_record``, see
``plugins/tax_free/summary.py``). :func:`ingest_record` keeps the newest summary per record;
:func:`same_day_net` answers the kiosks' question "what has this buyer already bought
tax-free in this store today, at the other kiosks?"; :func:`ledger` is the staff view.

A malformed summary never blocks a kiosk's sync: it is kept in ``bo_taxfree_problems``
(kiosk, seq, what is wrong; no personal data) and shown on the ledger page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kiosk.backoffice.plugin_api import Base, Kiosk

log = logging.getLogger(__name__)

KIND = "tax_free_record"
STATUSES = ("pending", "needs_details", "confirmed", "refunded", "expired", "voided")
NOT_COUNTED = ("voided",)  # a voided record is taxable: it does not count toward the minimum


class TaxFreeSummaryRow(Base):
    """The newest summary of one purchase record (購入記録情報), as its kiosk last sent it."""

    __tablename__ = "bo_taxfree_records"

    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36))
    kiosk_id: Mapped[str] = mapped_column(String(32), index=True)
    store_id: Mapped[str] = mapped_column(String(32))
    store_code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    sale_date: Mapped[date] = mapped_column(Date, index=True)
    sold_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(16))
    buyer_key: Mapped[str] = mapped_column(String(64), index=True)
    buyer: Mapped[str] = mapped_column(String(100))  # SURNAME I.
    passport: Mapped[str] = mapped_column(String(32))  # *****4567
    net_total: Mapped[int] = mapped_column(Integer)
    refund_amount: Mapped[int] = mapped_column(Integer)
    export_deadline: Mapped[date | None] = mapped_column(Date)
    nta_receipt: Mapped[str | None] = mapped_column(String(64))
    refunded_at: Mapped[datetime | None]
    refund_channel: Mapped[str | None] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)  # the outbox event it came from
    updated_at: Mapped[datetime]
    received_at: Mapped[datetime]


class TaxFreeProblemRow(Base):
    """A summary the back office could not use; the raw event stays in ``bo_kiosk_events``."""

    __tablename__ = "bo_taxfree_problems"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    problem: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]


class BadSummary(ValueError):
    """A ``tax_free_record`` payload that lacks a field or has one of the wrong kind."""


def _text(payload: dict[str, Any], key: str, limit: int, *, optional: bool = False) -> str | None:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise BadSummary(f"{key}: expected text of 1–{limit} characters")
    return value


def _yen(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadSummary(f"{key}: expected whole yen, 0 or more")
    return value


def _when(payload: dict[str, Any], key: str, kind: type, *, optional: bool = False) -> Any:
    value = payload.get(key)
    if value is None and optional:
        return None
    try:
        return kind.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadSummary(f"{key}: expected an ISO {kind.__name__}") from None


def parse_summary(payload: dict[str, Any]) -> dict[str, Any]:
    """The columns of :class:`TaxFreeSummaryRow` from a payload; :class:`BadSummary` if wrong."""
    status = _text(payload, "status", 16)
    if status not in STATUSES:
        raise BadSummary(f"status: one of {', '.join(STATUSES)}")
    return {
        "record_id": _text(payload, "record_id", 36),
        "sale_id": _text(payload, "sale_id", 36),
        "store_code": _text(payload, "store_code", 64),
        "status": status,
        "reason": str(payload.get("reason") or ""),
        "sale_date": _when(payload, "sale_date", date),
        "sold_at": _when(payload, "sold_at", datetime),
        "key_id": _text(payload, "key_id", 16),
        "buyer_key": _text(payload, "buyer_key", 64),
        "buyer": _text(payload, "buyer", 100),
        "passport": _text(payload, "passport", 32),
        "net_total": _yen(payload, "net_total"),
        "refund_amount": _yen(payload, "refund_amount"),
        "export_deadline": _when(payload, "export_deadline", date, optional=True),
        "nta_receipt": _text(payload, "nta_receipt", 64, optional=True),
        "refunded_at": _when(payload, "refunded_at", datetime, optional=True),
        "refund_channel": _text(payload, "refund_channel", 32, optional=True),
        "updated_at": _when(payload, "updated_at", datetime),
    }


def ingest_record(session: Session, kiosk: Kiosk, event: Any, now: datetime) -> None:
    """Keep the newest summary of the record (events arrive in each kiosk's order)."""
    try:
        values = parse_summary(event.payload)
    except BadSummary as exc:
        _problem(session, kiosk, event.seq, str(exc), now)
        return
    row = session.get(TaxFreeSummaryRow, values["record_id"])
    if row is None:
        row = TaxFreeSummaryRow(record_id=values["record_id"], kiosk_id=kiosk.kiosk_id)
        session.add(row)
    elif row.kiosk_id != kiosk.kiosk_id:
        _problem(
            session, kiosk, event.seq, f"record {row.record_id} belongs to {row.kiosk_id}", now
        )
        return
    for key, value in values.items():
        setattr(row, key, value)
    row.store_id, row.kiosk_seq, row.received_at = kiosk.store_id, event.seq, now


def _problem(session: Session, kiosk: Kiosk, seq: int, problem: str, now: datetime) -> None:
    log.warning("tax-free summary %s/%d not applied: %s", kiosk.kiosk_id, seq, problem)
    session.add(
        TaxFreeProblemRow(kiosk_id=kiosk.kiosk_id, kiosk_seq=seq, problem=problem, received_at=now)
    )


def same_day_net(
    session: Session, kiosk: Kiosk, store_code: str, key_id: str, buyer_key: str, day: date
) -> int:
    """Net (tax-excluded) total of the buyer's records that day at the store's *other* kiosks.

    Only records made under the same personal-data key count (``key_id``): buyer keys of a
    kiosk with another key file can never match, and the ledger page says so.
    """
    query = select(func.coalesce(func.sum(TaxFreeSummaryRow.net_total), 0)).where(
        TaxFreeSummaryRow.store_id == kiosk.store_id,
        TaxFreeSummaryRow.store_code == store_code,
        TaxFreeSummaryRow.key_id == key_id,
        TaxFreeSummaryRow.buyer_key == buyer_key,
        TaxFreeSummaryRow.sale_date == day,
        TaxFreeSummaryRow.kiosk_id != kiosk.kiosk_id,
        TaxFreeSummaryRow.status.not_in(NOT_COUNTED),
    )
    return int(session.scalar(query) or 0)


@dataclass(frozen=True, slots=True)
class LedgerQuery:
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


LEDGER_COLUMNS = (
    "sale_date", "kiosk_id", "status", "buyer", "passport", "net_total", "refund_amount",
    "export_deadline", "days_left", "nta_receipt", "refund_channel", "reason", "record_id",
)  # fmt: skip


def ledger(session: Session, query: LedgerQuery) -> list[TaxFreeSummaryRow]:
    """Records of every kiosk, oldest sale first."""
    select_ = select(TaxFreeSummaryRow)
    if query.statuses:
        select_ = select_.where(TaxFreeSummaryRow.status.in_(query.statuses))
    if query.date_from:
        select_ = select_.where(TaxFreeSummaryRow.sale_date >= query.date_from)
    if query.date_to:
        select_ = select_.where(TaxFreeSummaryRow.sale_date <= query.date_to)
    order = (TaxFreeSummaryRow.sold_at, TaxFreeSummaryRow.record_id)
    return list(session.scalars(select_.order_by(*order)))


def ledger_rows(rows: list[TaxFreeSummaryRow], today: date) -> list[tuple[object, ...]]:
    """One tuple per record in :data:`LEDGER_COLUMNS` order (days left only while pending)."""
    return [
        (
            r.sale_date.isoformat(),
            r.kiosk_id,
            r.status,
            r.buyer,
            r.passport,
            r.net_total,
            r.refund_amount,
            r.export_deadline.isoformat() if r.export_deadline else "",
            (r.export_deadline - today).days if r.status == "pending" and r.export_deadline else "",
            r.nta_receipt or "",
            r.refund_channel or "",
            r.reason,
            r.record_id,
        )
        for r in rows
    ]


def status_totals(rows: list[TaxFreeSummaryRow]) -> dict[str, tuple[int, int]]:
    """Count and refund yen per status, every status listed (zero when none)."""
    totals = {status: (0, 0) for status in STATUSES}
    for row in rows:
        count, amount = totals.get(row.status, (0, 0))
        totals[row.status] = (count + 1, amount + row.refund_amount)
    return totals


def problems(session: Session, limit: int = 50) -> list[TaxFreeProblemRow]:
    query = select(TaxFreeProblemRow).order_by(TaxFreeProblemRow.id.desc()).limit(limit)
    return list(session.scalars(query))


def key_ids(session: Session) -> dict[str, set[str]]:
    """The personal-data key fingerprints each kiosk's records were made under."""
    seen: dict[str, set[str]] = {}
    query = select(TaxFreeSummaryRow.kiosk_id, TaxFreeSummaryRow.key_id).distinct()
    for kiosk_id, key_id in session.execute(query):
        seen.setdefault(kiosk_id, set()).add(key_id)
    return seen
