"""Kiosk identity across restore and re-image (端末データの同一性): never drop a new sale.

A kiosk's outbox seq counts the rows of *one* local database. When that database is
replaced — the kiosk re-imaged (a new, empty database) or an older copy put back — the seqs
start again below what the back office has applied, and ``seq <= last_seq`` would look like
a resend. This module tells the two apart before :func:`kiosk.backoffice.sales.ingest.ingest` runs:

* **The store instance.** Every kiosk database has a random id made with it; the relay sends
  it with every batch (``"store_instance"``). A batch from another instance than the one the
  back office knows starts a new *epoch*: its local seq 1 is placed after ``last_seq``.
* **The event's own id.** A resend carries the same sale UUID (sales) or event id (other
  events) as the row already stored. An event at or below ``last_seq`` whose id the back
  office has never seen is new — an older copy of the same database selling on — and starts
  a new epoch at that event. Dedupe is by id, never by seq alone.

An epoch maps the kiosk's local seq to the back office's seq space (``bo = local + offset``),
so ``last_seq``, the gap rule (409 ``expected_seq``) and the (kiosk, seq) uniqueness of the
tables stay as they are; answers are translated back to local seqs. Each new epoch is a
*flag* for staff (audit log ``kiosk.identity``, the kiosks page and ``/kiosks/identity``), as
is every sale of a later epoch that re-uses a receipt number the kiosk already issued (a
compliance problem: receipt numbers are per kiosk). An admin confirms the re-image with a
reason (audited); that also resets the kiosk's journal anchor (:mod:`journal_anchor`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import FAILURE, record
from kiosk.backoffice.core.core_reads import as_session_object, read_connection
from kiosk.backoffice.core.errors import InvalidInput, NotFound, SequenceGap
from kiosk.backoffice.kiosks import journal_anchor
from kiosk.backoffice.kiosks.models import EpochRow, IdentityFlagRow, KioskRow
from kiosk.backoffice.sales.ingest import IngestResult, OutboxEvent, ingest
from kiosk.backoffice.sales.models import KioskEventRow, SaleRow

AUDIT_ACTION = "kiosk.identity"
CONFIRM_ACTION = "kiosk.identity_confirmed"
RECEIPT_ACTION = "kiosk.receipt_duplicate"

FIRST, NEW_INSTANCE, OLD_COPY = "first", "new_instance", "restored_copy"
DUPLICATE_RECEIPT = "duplicate_receipt"
LABELS = {
    NEW_INSTANCE: "new database 新しいデータベース (re-imaged / 再イメージ)",
    OLD_COPY: "older copy or replaced database selling on 古いコピー・差し替えで販売 (restored / 復元)",
    DUPLICATE_RECEIPT: "receipt number issued twice レシート番号の重複",
}


@dataclass(frozen=True, slots=True)
class Placement:
    """The batch in back-office seqs, and the offset to translate the answer back."""

    events: list[OutboxEvent]
    offset: int
    epoch: EpochRow | None


def instance_of(body: Any) -> str | None:
    """The ``store_instance`` a batch names (``None`` from kiosks that do not send one)."""
    value = body.get("store_instance") if isinstance(body, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise InvalidInput("store_instance: the store's instance id (a string of 1-64 characters)")
    return value


def ingest_from_instance(
    session: Session,
    kiosk: KioskRow,
    instance: str | None,
    events: list[OutboxEvent],
    now: datetime,
) -> IngestResult:
    """:func:`ingest` for a batch from ``instance``, in the kiosk's local seqs both ways."""
    placement = place(session, kiosk, instance, events, now)
    offset = placement.offset
    before = kiosk.last_seq
    try:
        result = ingest(session, kiosk, placement.events, now)
    except SequenceGap as gap:
        raise SequenceGap(kiosk.kiosk_id, gap.expected - offset, gap.got - offset) from None
    if placement.epoch is not None and placement.epoch.reason != FIRST:
        # no index on receipt numbers (one more write per sale for every kiosk): only a later
        # epoch's numbers up to the earlier highest are looked up, over the kiosk's sales
        _flag_duplicate_receipts(session, kiosk, placement, before, result.acked_through, now)
    return dataclasses.replace(
        result,
        acked_through=max(result.acked_through - offset, 0),
        expected_seq=None if result.expected_seq is None else result.expected_seq - offset,
    )


_EPOCHS: Table = EpochRow.__table__  # type: ignore[assignment]
# every sync batch asks: one Core statement, built once (core_reads)
_CURRENT_EPOCH = (
    select(_EPOCHS)
    .where(_EPOCHS.c.kiosk_id == bindparam("kiosk_id"))
    .order_by(_EPOCHS.c.epoch.desc())
    .limit(1)
)


def current_epoch(session: Session, kiosk_id: str) -> EpochRow | None:
    """The kiosk's latest epoch as the session's object (``None`` before its first)."""
    row = read_connection(session).execute(_CURRENT_EPOCH, {"kiosk_id": kiosk_id}).first()
    return None if row is None else as_session_object(session, EpochRow, row)


def local_last_seq(session: Session, kiosk: KioskRow) -> int:
    """``last_seq`` in the kiosk's own numbering (its current database's outbox seqs), as
    ``acked_through`` and ``expected_seq`` are answered: after a restore or a re-image the
    back office's count runs on from the earlier database's."""
    epoch = current_epoch(session, kiosk.kiosk_id)
    return max(kiosk.last_seq - (epoch.seq_offset if epoch else 0), 0)


def place(
    session: Session,
    kiosk: KioskRow,
    instance: str | None,
    events: list[OutboxEvent],
    now: datetime,
) -> Placement:
    """Map ``events`` to back-office seqs, starting a new epoch when the database changed."""
    epoch = current_epoch(session, kiosk.kiosk_id)
    ordered = sorted(events, key=lambda e: e.seq)
    if instance is not None and epoch is None:
        # the first batch that names its instance: it is the one we knew (an upgrade)
        epoch = _start(session, kiosk, instance, 0, ordered[0].seq if ordered else 1, FIRST, now)
    elif instance is not None and epoch is not None and instance != epoch.instance_id:
        if epoch.instance_id:
            # another database: its local seq 1 follows the last applied seq; a batch that
            # starts later is a gap (409) and the relay resends from 1
            epoch = _start(session, kiosk, instance, kiosk.last_seq, 1, NEW_INSTANCE, now)
            _flag(session, kiosk, epoch, NEW_INSTANCE, now)
        else:
            epoch.instance_id = instance  # the epoch started before the kiosk sent it
    offset = epoch.seq_offset if epoch else 0
    known = _known_ids(session, [e for e in ordered if e.seq + offset <= kiosk.last_seq])
    placed = []
    for event in ordered:
        if event.seq + offset <= kiosk.last_seq and _identity(event) not in known:
            # at or below last_seq, yet never seen: an older copy of the database sells on
            offset = kiosk.last_seq - event.seq + 1
            epoch = _start(
                session, kiosk, instance or (epoch.instance_id if epoch else ""), offset,
                event.seq, OLD_COPY, now,
            )  # fmt: skip
            _flag(session, kiosk, epoch, OLD_COPY, now)
        placed.append(dataclasses.replace(event, seq=event.seq + offset))
    return Placement(placed, offset, epoch)


def _identity(event: OutboxEvent) -> str:
    if event.kind == "sale":
        return f"sale:{event.payload.get('sale_id')}"
    return f"event:{event.event_id}"


def _known_ids(session: Session, events: list[OutboxEvent]) -> set[str]:
    """Which of ``events`` the back office already holds, by their own ids."""
    sale_ids = [str(e.payload.get("sale_id")) for e in events if e.kind == "sale"]
    event_ids = [e.event_id for e in events if e.kind != "sale"]
    known: set[str] = set()
    if sale_ids:
        rows = session.scalars(select(SaleRow.sale_id).where(SaleRow.sale_id.in_(sale_ids)))
        known.update(f"sale:{s}" for s in rows)
    if event_ids:
        rows = session.scalars(
            select(KioskEventRow.event_id).where(KioskEventRow.event_id.in_(event_ids))
        )
        known.update(f"event:{e}" for e in rows)
    return known


def _start(
    session: Session,
    kiosk: KioskRow,
    instance: str,
    offset: int,
    first_local_seq: int,
    reason: str,
    now: datetime,
) -> EpochRow:
    previous = current_epoch(session, kiosk.kiosk_id)
    floor = session.scalar(
        select(func.max(SaleRow.receipt_no)).where(SaleRow.kiosk_id == kiosk.kiosk_id)
    )
    row = EpochRow(
        kiosk_id=kiosk.kiosk_id,
        epoch=(previous.epoch + 1) if previous else 1,
        instance_id=instance,
        seq_offset=offset,
        first_local_seq=first_local_seq,
        reason=reason,
        receipt_floor=floor or 0,
        started_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _flag(session: Session, kiosk: KioskRow, epoch: EpochRow, kind: str, now: datetime) -> None:
    previous = session.scalars(
        select(EpochRow).where(EpochRow.kiosk_id == kiosk.kiosk_id, EpochRow.epoch < epoch.epoch)
        .order_by(EpochRow.epoch.desc()).limit(1)
    ).first()  # fmt: skip
    detail = {
        "epoch": epoch.epoch,
        "instance": epoch.instance_id,
        "previous_instance": previous.instance_id if previous else "",
        "last_seq": kiosk.last_seq,
        "first_local_seq": epoch.first_local_seq,
    }
    session.add(
        IdentityFlagRow(
            kiosk_id=kiosk.kiosk_id, kind=kind, epoch=epoch.epoch, detail=detail, detected_at=now
        )
    )
    record(
        session, now, f"kiosk:{kiosk.kiosk_id}", AUDIT_ACTION, kiosk.kiosk_id,
        {"kind": kind, **detail}, result=FAILURE,
    )  # fmt: skip


def _flag_duplicate_receipts(
    session: Session,
    kiosk: KioskRow,
    placement: Placement,
    before: int,
    applied_through: int,
    now: datetime,
) -> None:
    """Flag sales just applied whose receipt number the kiosk had already issued."""
    epoch = placement.epoch
    assert epoch is not None
    applied = {
        str(e.payload.get("sale_id")): int(e.payload.get("receipt_no") or 0)
        for e in placement.events
        if e.kind == "sale" and before < e.seq <= applied_through
    }
    numbers = {n for n in applied.values() if 0 < n <= epoch.receipt_floor}
    if not numbers:
        return
    others = session.execute(
        select(SaleRow.receipt_no, SaleRow.sale_id).where(
            SaleRow.kiosk_id == kiosk.kiosk_id,
            SaleRow.receipt_no.in_(numbers),
            SaleRow.sale_id.not_in(list(applied)),
        )
    ).all()
    issued: dict[int, list[str]] = {}
    for receipt_no, sale_id in others:
        issued.setdefault(receipt_no, []).append(sale_id)
    found = []
    for sale_id, receipt_no in applied.items():
        if receipt_no in issued:
            detail = {"receipt_no": receipt_no, "sale_id": sale_id, "earlier": issued[receipt_no]}
            found.append(detail)
            session.add(
                IdentityFlagRow(
                    kiosk_id=kiosk.kiosk_id, kind=DUPLICATE_RECEIPT, epoch=epoch.epoch,
                    detail=detail, detected_at=now,
                )
            )  # fmt: skip
    if found:
        record(
            session, now, f"kiosk:{kiosk.kiosk_id}", RECEIPT_ACTION, kiosk.kiosk_id,
            {"epoch": epoch.epoch, "receipt_nos": sorted(d["receipt_no"] for d in found)[:50],
             "count": len(found)},
            result=FAILURE,
        )  # fmt: skip


# --- staff ----------------------------------------------------------------------------------


def open_flags(session: Session, kiosk_id: str | None = None) -> list[IdentityFlagRow]:
    query = select(IdentityFlagRow).where(IdentityFlagRow.resolved_at.is_(None))
    if kiosk_id is not None:
        query = query.where(IdentityFlagRow.kiosk_id == kiosk_id)
    return list(session.scalars(query.order_by(IdentityFlagRow.id)))


def all_flags(session: Session, limit: int = 500) -> list[IdentityFlagRow]:
    return list(
        session.scalars(select(IdentityFlagRow).order_by(IdentityFlagRow.id.desc()).limit(limit))
    )


def confirm(session: Session, kiosk_id: str, actor: str, note: str, now: datetime) -> int:
    """An admin confirms the kiosk's database was replaced on purpose; returns flags closed.

    Every sale stays as stored; the flags are kept, marked resolved, and the confirmation is
    an audit entry with the reason. The kiosk's journal anchor is reset in the same
    transaction (its journal was replaced too), so its next report becomes the anchor.
    """
    if session.get(KioskRow, kiosk_id) is None:
        raise NotFound(f"no kiosk {kiosk_id}")
    if not note.strip():
        raise InvalidInput("say why the kiosk's database was replaced (a note) before confirming")
    flags = open_flags(session, kiosk_id)
    if not flags:
        raise InvalidInput(f"kiosk {kiosk_id} has nothing to confirm")
    for flag in flags:
        flag.resolved_at, flag.resolved_by, flag.note = now, actor, note.strip()[:200]
    epoch = current_epoch(session, kiosk_id)
    record(
        session, now, actor, CONFIRM_ACTION, kiosk_id,
        {"flags": len(flags), "kinds": sorted({f.kind for f in flags}),
         "epoch": epoch.epoch if epoch else None, "note": note.strip()[:200]},
    )  # fmt: skip
    if any(f.kind != DUPLICATE_RECEIPT for f in flags):
        journal_anchor.reset_anchor(session, kiosk_id, actor, note, now)
    return len(flags)


def reporting_kiosks(session: Session) -> set[str]:
    """The kiosks that have named their database (``store_instance``) in a batch."""
    return set(
        session.scalars(select(EpochRow.kiosk_id).where(EpochRow.instance_id != "").distinct())
    )


def kiosk_states(session: Session) -> dict[str, str]:
    """Per kiosk with open flags, one line for the kiosks page."""
    counts: dict[str, dict[str, int]] = {}
    for flag in open_flags(session):
        kinds = counts.setdefault(flag.kiosk_id, {})
        kinds[flag.kind] = kinds.get(flag.kind, 0) + 1
    return {
        kiosk_id: "要確認 CHECK: "
        + ", ".join(f"{LABELS.get(k, k)} ×{n}" for k, n in sorted(kinds.items()))
        for kiosk_id, kinds in counts.items()
    }
