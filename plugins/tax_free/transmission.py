"""Sending purchase records (購入記録情報) to the NTA, through a pluggable transmitter.

A :class:`Transmitter` is whatever carries records to the NTA's tax-free sales management
system (免税販売管理システム) and brings back customs confirmations: our own sender, an
approved transmission provider (承認送受信事業者), or, in tests and demos, the simulator in
:mod:`plugins.tax_free.nta_simulator`. :class:`TransmissionQueue` sends what
:class:`~plugins.tax_free.store.TaxFreeStore` queued, retries with back-off when the endpoint
is away, and uses the record id as the idempotency key so a retry after a lost answer never
files a record twice. A correction (訂正) or cancellation (取消) of a record already sent,
made by a return (:mod:`plugins.tax_free.returns`), goes the same way after it: the record
as sent with a ``correction`` part, under the correction's own key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import httpx
from sqlalchemy import func, select

from plugins.tax_free.errors import TransmissionRejected, TransmissionUnavailable
from plugins.tax_free.models import CorrectionRow, TaxFreeRecordRow, TransmissionRow
from plugins.tax_free.store import Clock, StoredRecord, TaxFreeStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SubmitAck:
    receipt_id: str  # the endpoint's reference for the record
    duplicate: bool = False  # the endpoint had it already (a retry)


@dataclass(frozen=True, slots=True)
class CustomsConfirmation:
    """税関確認情報 for one purchase record: which items customs saw leave, and when."""

    seq: int
    record_id: str
    export_date: date
    confirmed_lines: tuple[int, ...]
    unconfirmed_lines: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustomsConfirmation:
        return cls(
            seq=int(data["seq"]),
            record_id=data["record_id"],
            export_date=date.fromisoformat(data["export_date"]),
            confirmed_lines=tuple(data.get("confirmed_lines", ())),
            unconfirmed_lines=tuple(data.get("unconfirmed_lines", ())),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "record_id": self.record_id,
            "export_date": self.export_date.isoformat(),
            "confirmed_lines": list(self.confirmed_lines),
            "unconfirmed_lines": list(self.unconfirmed_lines),
        }


class Transmitter(Protocol):
    def submit(self, payload: dict[str, Any], idempotency_key: str) -> SubmitAck:
        """File one record. Same key twice: the first answer, nothing filed twice.

        :raises TransmissionUnavailable: no answer (retry later).
        :raises TransmissionRejected: the record was refused (staff must correct it).
        """
        ...

    def confirmations(self, after: int) -> list[CustomsConfirmation]:
        """Customs confirmations with ``seq`` greater than ``after``, oldest first."""
        ...


def transmission_payload(stored: StoredRecord) -> dict[str, Any]:
    """The record as sent: store, date, buyer (decrypted here, only for sending) and items."""
    assert stored.record is not None
    document = stored.record.to_document()
    document["buyer"] = stored.buyer.to_dict()
    return document


def correction_payload(stored: StoredRecord, correction: CorrectionRow) -> dict[str, Any]:
    """A correction as sent: the record as first sent (the same each retry, so the
    endpoint can tell a retry from a different filing) and what the return changed."""
    return {**transmission_payload(stored), "correction": dict(correction.body)}


class HttpTransmitter:
    """JSON over HTTP to an endpoint shaped like :mod:`plugins.tax_free.nta_simulator`."""

    def __init__(
        self,
        base_url: str,
        client: httpx.Client | None = None,
        timeout_s: float = 10.0,
        token: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or httpx.Client(timeout=timeout_s, headers=headers)

    def close(self) -> None:
        self.client.close()

    def submit(self, payload: dict[str, Any], idempotency_key: str) -> SubmitAck:
        try:
            response = self.client.post(
                f"{self.base_url}/v1/purchase-records",
                json=payload,
                headers={"Idempotency-Key": idempotency_key},
            )
        except httpx.TransportError as exc:
            raise TransmissionUnavailable(f"endpoint unreachable ({exc}): will retry") from None
        if response.status_code >= 500:
            raise TransmissionUnavailable(f"endpoint answered {response.status_code}: will retry")
        if response.status_code >= 400:
            detail = response.json().get("detail", response.text) if response.content else ""
            raise TransmissionRejected(
                f"record refused ({response.status_code}): {detail}; correct it and resend"
            )
        body = response.json()
        return SubmitAck(receipt_id=body["receipt_id"], duplicate=bool(body.get("duplicate")))

    def confirmations(self, after: int) -> list[CustomsConfirmation]:
        try:
            response = self.client.get(
                f"{self.base_url}/v1/customs-confirmations", params={"after": after}
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise TransmissionUnavailable(
                f"confirmations not fetched ({exc}): will retry"
            ) from None
        return [CustomsConfirmation.from_json(c) for c in response.json()["confirmations"]]


@dataclass
class QueueReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)  # correction ids sent


class TransmissionQueue:
    def __init__(
        self,
        store: TaxFreeStore,
        transmitter: Transmitter,
        clock: Clock,
        base_delay: timedelta = timedelta(seconds=30),
        max_delay: timedelta = timedelta(hours=1),
    ) -> None:
        self.store = store
        self.transmitter = transmitter
        self.clock = clock
        self.base_delay = base_delay
        self.max_delay = max_delay

    def due(self, limit: int = 50) -> list[TransmissionRow]:
        query = (
            select(TransmissionRow)
            .where(
                TransmissionRow.state == "queued", TransmissionRow.next_attempt_at <= self.clock()
            )
            .order_by(TransmissionRow.seq)
            .limit(limit)
        )
        with self.store.transaction() as session:
            return list(session.scalars(query))

    def next_attempt_at(self) -> datetime | None:
        """When the earliest queued record or correction is next due (None: nothing)."""
        times = []
        with self.store.transaction() as session:
            for table in (TransmissionRow, CorrectionRow):
                times.append(
                    session.scalar(
                        select(func.min(table.next_attempt_at)).where(table.state == "queued")
                    )
                )
        due = [t for t in times if t is not None]
        return min(due) if due else None

    def run_once(self, limit: int = 50) -> QueueReport:
        """Send every due record once; never raises for one record's failure."""
        report = QueueReport()
        for row in self.due(limit):
            stored = self.store.get(row.record_id)
            if stored is None or stored.record is None:
                continue
            try:
                ack = self.transmitter.submit(transmission_payload(stored), row.idempotency_key)
            except TransmissionUnavailable as exc:
                self._retry_later(row.seq, str(exc))
                report.retrying.append(row.record_id)
            except TransmissionRejected as exc:
                self._rejected(row.seq, str(exc))
                report.rejected.append(row.record_id)
            else:
                self._sent(row.seq, ack)
                report.sent.append(row.record_id)
        self._send_corrections(report, limit)
        return report

    def _send_corrections(self, report: QueueReport, limit: int) -> None:
        """Due corrections, oldest first; one of a record stays behind an earlier one that
        is still waiting (customs read them in order)."""
        query = (
            select(CorrectionRow)
            .where(CorrectionRow.state == "queued")
            .order_by(CorrectionRow.seq)
            .limit(limit)
        )
        with self.store.transaction() as session:
            rows = list(session.scalars(query))
        waiting: set[str] = set()
        for row in rows:
            if row.record_id in waiting or row.next_attempt_at > self.clock():
                waiting.add(row.record_id)
                continue
            stored = self.store.get(row.record_id)
            if stored is None or stored.record is None:
                continue
            try:
                ack = self.transmitter.submit(correction_payload(stored, row), row.correction_id)
            except TransmissionUnavailable as exc:
                self._retry_later(row.seq, str(exc), CorrectionRow)
                waiting.add(row.record_id)
                report.retrying.append(row.correction_id)
            except TransmissionRejected as exc:
                self._rejected(row.seq, str(exc), CorrectionRow)
                waiting.add(row.record_id)
                report.rejected.append(row.correction_id)
            else:
                self._correction_sent(row.seq, ack)
                report.corrections.append(row.correction_id)

    def _correction_sent(self, seq: int, ack: SubmitAck) -> None:
        now = self.clock()
        with self.store.transaction() as session:
            row = session.get(CorrectionRow, seq)
            assert row is not None
            row.state, row.sent_at, row.attempts = "sent", now, row.attempts + 1
            row.nta_receipt, row.last_error = ack.receipt_id, ""
            record = session.get(TaxFreeRecordRow, row.record_id)
            assert record is not None
            record.status_reason = record.status_reason.replace(
                f"{row.correction_id} queued for customs",
                f"{row.correction_id} sent to customs ({ack.receipt_id})",
            )
            record.updated_at = now

    def resend(self, record_id: str) -> None:
        """Queue a rejected record again (after staff corrected it)."""
        with self.store.transaction() as session:
            row = session.scalar(
                select(TransmissionRow).where(TransmissionRow.record_id == record_id)
            )
            if row is None:
                raise KeyError(f"record {record_id} was never queued")
            row.state, row.next_attempt_at = "queued", self.clock()

    def _sent(self, seq: int, ack: SubmitAck) -> None:
        now = self.clock()
        with self.store.transaction() as session:
            row = session.get(TransmissionRow, seq)
            assert row is not None
            row.state, row.sent_at, row.attempts = "sent", now, row.attempts + 1
            row.last_error = ""
            record = session.get(TaxFreeRecordRow, row.record_id)
            assert record is not None
            record.transmitted_at, record.nta_receipt, record.updated_at = now, ack.receipt_id, now

    def _retry_later(
        self, seq: int, error: str, table: type[TransmissionRow | CorrectionRow] = TransmissionRow
    ) -> None:
        """Back off: a record's (or a correction's) next try after ``base_delay`` × 2ⁿ."""
        with self.store.transaction() as session:
            row = session.get(table, seq)
            assert row is not None
            row.attempts += 1
            delay = min(self.base_delay * 2 ** (row.attempts - 1), self.max_delay)
            row.next_attempt_at = self.clock() + delay
            row.last_error = error
        log.warning("tax-free record transmission %s failed (%s); retry in %s", seq, error, delay)

    def _rejected(
        self, seq: int, error: str, table: type[TransmissionRow | CorrectionRow] = TransmissionRow
    ) -> None:
        """Refused: kept ``rejected`` (not retried by itself), the reason on the record."""
        now = self.clock()
        with self.store.transaction() as session:
            row = session.get(table, seq)
            assert row is not None
            row.state, row.attempts, row.last_error = "rejected", row.attempts + 1, error
            record = session.get(TaxFreeRecordRow, row.record_id)
            assert record is not None
            what = (
                f"correction {row.correction_id}"
                if isinstance(row, CorrectionRow)
                else "transmission"
            )
            record.status_reason, record.updated_at = f"{what} rejected: {error}", now
        log.error("tax-free %s %s was rejected: %s", table.__tablename__, seq, error)
