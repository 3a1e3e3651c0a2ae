"""The refund ledger: pending → confirmed → refunded, or expired / voided.

- Customs confirmations (税関確認情報) arrive per record. A record is confirmed only if every
  item was confirmed on or before its export deadline; one unconfirmed item voids the whole
  record; a confirmation dated after the deadline expires it.
- A pending record with no confirmation is expired once the deadline plus a grace period for
  late-arriving data has passed. A timely confirmation arriving later still confirms it.
- A confirmed record is refunded through a :class:`~plugins.tax_free.refunds.RefundChannel`;
  the refund key is written before the channel is asked, so a retry never pays twice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from kiosk.domain.money import Yen, format_yen
from plugins.tax_free import rules
from plugins.tax_free.errors import LedgerError, RefundFailed
from plugins.tax_free.models import RecordStatus, RefundRow, TaxFreeRecordRow
from plugins.tax_free.record import ItemDetails
from plugins.tax_free.refunds import RefundChannel, RefundRequest
from plugins.tax_free.store import TaxFreeStore
from plugins.tax_free.transmission import CustomsConfirmation

S = RecordStatus
NO_CONFIRMATION = "no customs confirmation within the export window"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One line of the staff list; the buyer is shown masked."""

    record_id: str
    sale_id: str
    sale_date: date
    status: RecordStatus
    buyer: str
    passport: str
    refund_amount: Yen
    export_deadline: date
    transmitted: bool
    reason: str

    def days_left(self, today: date) -> int:
        return (self.export_deadline - today).days


class RefundLedger:
    def __init__(self, store: TaxFreeStore, grace_days: int = 7) -> None:
        self.store = store
        self.grace = timedelta(days=grace_days)

    # --- customs -------------------------------------------------------------------------

    def apply_confirmation(self, confirmation: CustomsConfirmation) -> RecordStatus:
        """Apply one confirmation; applying the same one twice changes nothing."""
        with self.store.transaction() as session:
            row = session.get(TaxFreeRecordRow, confirmation.record_id)
            if row is None:
                raise LedgerError(f"confirmation for unknown record {confirmation.record_id}")
            status = RecordStatus(row.status)
            if status not in (S.PENDING, S.EXPIRED) or (
                status is S.EXPIRED and row.status_reason != NO_CONFIRMATION
            ):
                return status  # already decided
            items = {item["line_no"] for item in (row.document or {}).get("items", ())}
            confirmed = set(confirmation.confirmed_lines)
            assert row.sale_date is not None
            if not rules.exported_in_time(row.sale_date, confirmation.export_date, _window(row)):
                new, reason = (
                    S.EXPIRED,
                    (
                        f"customs confirmed on {confirmation.export_date.isoformat()}, after the "
                        f"deadline {row.export_deadline}"
                    ),
                )
            elif confirmation.unconfirmed_lines or not items <= confirmed:
                missing = sorted((items - confirmed) | set(confirmation.unconfirmed_lines))
                new, reason = (
                    S.VOIDED,
                    (
                        f"customs did not confirm line(s) {', '.join(map(str, missing))}: the whole "
                        "record loses the exemption"
                    ),
                )
            else:
                new, reason = S.CONFIRMED, ""
            row.status, row.status_reason = new.value, reason
            row.export_date = confirmation.export_date
            row.confirmation = confirmation.to_json()
            row.updated_at = self.store.clock()
            return new

    def expire_overdue(self, today: date | None = None) -> list[str]:
        """Expire pending records whose deadline (plus grace) has passed; return their ids."""
        today = today or self.store.clock().date()
        with self.store.transaction() as session:
            rows = session.scalars(
                select(TaxFreeRecordRow).where(
                    TaxFreeRecordRow.status == S.PENDING.value,
                    TaxFreeRecordRow.export_deadline < today - self.grace,
                )
            ).all()
            for row in rows:
                row.status, row.status_reason = S.EXPIRED.value, NO_CONFIRMATION
                row.updated_at = self.store.clock()
            return [row.record_id for row in rows]

    # --- refunds -------------------------------------------------------------------------

    def refund(self, record_id: str, channel: RefundChannel, staff_id: str | None = None) -> str:
        """Pay a confirmed record's refund; return the channel's reference.

        :raises LedgerError: the record is not confirmed (or was refunded another way).
        :raises RefundFailed: the channel did not pay; the record stays confirmed.
        """
        refund_key = f"taxfree-refund-{record_id}"
        stored = self.store.get(record_id)
        if stored is None or stored.record is None:
            raise LedgerError(f"no tax-free record {record_id}")
        if stored.status is S.REFUNDED:
            return stored.row.refund_reference or ""
        if stored.status is not S.CONFIRMED:
            raise LedgerError(
                f"record {record_id} is {stored.status.value}: only customs-confirmed records "
                "are refunded"
            )
        now = self.store.clock()
        with self.store.transaction() as session:  # the key is on disk before the money moves
            row = session.get(RefundRow, refund_key)
            if row is None:
                session.add(
                    RefundRow(
                        refund_key=refund_key,
                        record_id=record_id,
                        channel=channel.id,
                        amount=stored.record.refund_amount,
                        state="requested",
                        reference="",
                        staff_id=staff_id,
                        message="",
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif row.channel != channel.id and row.state == "requested":
                raise LedgerError(
                    f"a {row.channel} refund for {record_id} is unresolved: settle it on that "
                    "channel first"
                )
        result = channel.refund(
            RefundRequest(
                record_id=record_id,
                sale_id=stored.record.sale_id,
                amount=stored.record.refund_amount,
                refund_key=refund_key,
                buyer_name=stored.buyer.display_name,
                tenders=stored.record.tenders,
                staff_id=staff_id,
            )
        )
        with self.store.transaction() as session:
            refund_row = session.get(RefundRow, refund_key)
            record_row = session.get(TaxFreeRecordRow, record_id)
            assert refund_row is not None and record_row is not None
            refund_row.updated_at = self.store.clock()
            refund_row.message = result.message
            if not result.ok:
                refund_row.state = "failed"
                refund_row.channel = channel.id
            else:
                refund_row.state, refund_row.reference = "done", result.reference
                record_row.status = S.REFUNDED.value
                record_row.refunded_at = self.store.clock()
                record_row.refund_channel = channel.id
                record_row.refund_reference = result.reference
                record_row.updated_at = self.store.clock()
        if not result.ok:
            raise RefundFailed(f"{channel.name_en}: {result.message}; nothing was paid")
        return result.reference

    # --- staff ---------------------------------------------------------------------------

    def add_item_details(self, record_id: str, line_no: int, details: ItemDetails) -> RecordStatus:
        """Complete a ¥1,000,000+ item's details; the record is queued once none is missing."""
        stored = self.store.get(record_id)
        if stored is None or stored.record is None:
            raise LedgerError(f"no tax-free record {record_id}")
        items = tuple(
            _with_details(item, details) if item.line_no == line_no else item
            for item in stored.record.items
        )
        self.store.replace_record(dataclasses.replace(stored.record, items=items))
        updated = self.store.get(record_id)
        assert updated is not None
        return updated.status

    def entries(
        self,
        statuses: tuple[RecordStatus, ...] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> list[LedgerEntry]:
        out = []
        for row in self.store.rows(statuses, since, until):
            buyer = self.store.buyer_of(row)
            assert row.sale_date is not None and row.export_deadline is not None
            out.append(
                LedgerEntry(
                    record_id=row.record_id,
                    sale_id=row.sale_id,
                    sale_date=row.sale_date,
                    status=RecordStatus(row.status),
                    buyer=buyer.display_name,
                    passport=buyer.masked_passport,
                    refund_amount=row.refund_amount,
                    export_deadline=row.export_deadline,
                    transmitted=row.transmitted_at is not None,
                    reason=row.status_reason,
                )
            )
        return out


def list_ledger(ledger: RefundLedger, today: date, **filters: object) -> list[str]:
    """The staff list as text lines: date, status, buyer, refund, deadline, days left."""
    lines = []
    for e in ledger.entries(**filters):  # type: ignore[arg-type]
        left = f"{e.days_left(today)}d" if e.status is S.PENDING else ""
        sent = "sent" if e.transmitted else "unsent"
        lines.append(
            f"{e.sale_date} {e.status.value:<13} {e.buyer:<20} {e.passport:<10} "
            f"{format_yen(e.refund_amount, 'en'):>10} {e.export_deadline} {left:>4} {sent}"
            + (f"  {e.reason}" if e.reason else "")
        )
    return lines


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One row of the staff ledger (``kiosk tax-free ledger``); the buyer is masked.

    ``transmission``: ``queued`` (not tried yet), ``retrying`` (the endpoint was away;
    ``last_error`` says why), ``sent``, ``rejected`` (staff must correct and resend), or
    ``not queued`` (waiting for ¥1,000,000 item details).
    """

    record_id: str
    sale_id: str
    sale_date: date
    status: str  # pending | needs_details | confirmed | refunded | expired | voided
    buyer: str
    passport: str
    refund_amount: Yen
    export_deadline: date
    days_left: int | None  # pending records only
    transmission: str
    attempts: int
    last_error: str
    nta_receipt: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


def ledger_rows(
    ledger: RefundLedger,
    today: date,
    statuses: tuple[RecordStatus, ...] = (),
    since: date | None = None,
    until: date | None = None,
) -> list[LedgerRow]:
    """The staff ledger: every record (drafts excepted) with its amount and where it stands."""
    sent = ledger.store.transmissions()
    rows = []
    for row in ledger.store.rows(statuses, since, until):
        buyer = ledger.store.buyer_of(row)
        assert row.sale_date is not None and row.export_deadline is not None
        queued = sent.get(row.record_id)
        if queued is None:
            transmission, attempts, error = "not queued", 0, ""
        else:
            transmission = queued.state
            if queued.state == "queued" and queued.attempts:
                transmission = "retrying"
            attempts, error = queued.attempts, queued.last_error
        status = RecordStatus(row.status)
        rows.append(
            LedgerRow(
                record_id=row.record_id,
                sale_id=row.sale_id,
                sale_date=row.sale_date,
                status=status.value,
                buyer=buyer.display_name,
                passport=buyer.masked_passport,
                refund_amount=row.refund_amount,
                export_deadline=row.export_deadline,
                days_left=(row.export_deadline - today).days if status is S.PENDING else None,
                transmission=transmission,
                attempts=attempts,
                last_error=error,
                nta_receipt=row.nta_receipt or "",
                reason=row.status_reason,
            )
        )
    return rows


def ledger_totals(rows: list[LedgerRow]) -> dict[str, tuple[int, Yen]]:
    """Count and refund amount per status, e.g. ``{"pending": (3, 2040), ...}``."""
    totals: dict[str, tuple[int, Yen]] = {}
    for row in rows:
        count, amount = totals.get(row.status, (0, 0))
        totals[row.status] = (count + 1, amount + row.refund_amount)
    return totals


def _window(row: TaxFreeRecordRow) -> int:
    assert row.sale_date is not None and row.export_deadline is not None
    return (row.export_deadline - row.sale_date).days


def _with_details(item, details: ItemDetails):
    import dataclasses

    return dataclasses.replace(item, details=details)
