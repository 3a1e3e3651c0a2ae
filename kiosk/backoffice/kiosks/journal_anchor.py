"""Journal anchors: the back office as the external witness of each kiosk's journal head.

A kiosk reports its journal head (seq, hash) whenever its outbox is drained
(``POST /api/v1/sync/journal-head``). Every report is kept (``bo_journal_heads``, append-only,
so staff can see when); the kiosk's *anchor* is the highest head judged ``ok``. A head that
goes below the anchor (``backwards``: the newest rows were cut, or an older copy of the
database is running) or that does not descend from it (``fork``: same seq with another hash,
or the kiosk's row at the anchor's seq differs) is recorded, written to the audit log once
per episode and shown on the kiosks page. The anchor never moves back; a flagged kiosk stays
flagged until it reports a head that descends from the anchor again.

Descent is proved by the kiosk: with its head it sends ``at_anchor``, the hash of its own row
at the anchor's seq (it learns that seq from every answer). When the kiosk offers a proof for
another seq (its stored anchor was rolled back with the file), the answer is ``unproven``
with the anchor, and the kiosk asks again with the right row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Integer, func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import FAILURE, record
from kiosk.backoffice.core.errors import InvalidInput, NotFound
from kiosk.backoffice.kiosks.models import JournalHeadRow, KioskRow
from kiosk.store.anchor import Anchor, BadAnchor

_ID = BigInteger().with_variant(Integer, "sqlite")
AUDIT_ACTION = "kiosk.journal_anchor"


class Verdict(StrEnum):
    OK = "ok"  # the head descends from the anchor: it becomes the anchor
    BACKWARDS = "backwards"  # the head is below the anchor
    FORK = "fork"  # the head's chain does not contain the anchored row
    UNPROVEN = "unproven"  # the kiosk must send its row at the anchor's seq (not recorded)
    RESET = "reset"  # an admin started the kiosk's anchoring afresh (a re-imaged kiosk)


def current_anchor(session: Session, kiosk_id: str) -> Anchor | None:
    """The highest head of ``kiosk_id`` judged ``ok`` since its last reset (``None`` before
    its first report, and after a reset until its next one)."""
    reset = session.scalar(
        select(func.max(JournalHeadRow.id)).where(
            JournalHeadRow.kiosk_id == kiosk_id, JournalHeadRow.verdict == Verdict.RESET.value
        )
    )
    row = session.scalars(
        select(JournalHeadRow)
        .where(
            JournalHeadRow.kiosk_id == kiosk_id,
            JournalHeadRow.verdict == Verdict.OK.value,
            JournalHeadRow.id > (reset or 0),
        )
        .order_by(JournalHeadRow.seq.desc())
        .limit(1)
    ).first()
    return Anchor(row.seq, row.hash) if row else None


def reset_anchor(session: Session, kiosk_id: str, actor: str, note: str, now: datetime) -> None:
    """Start a kiosk's anchoring afresh: its next report becomes the anchor.

    For a kiosk whose database was legitimately replaced (re-imaged, restored after a disk
    failure): without this it stays flagged for good. The history is kept; the reset is a
    row of it and an audit entry with the reason.
    """
    if session.get(KioskRow, kiosk_id) is None:
        raise NotFound(f"no kiosk {kiosk_id}")
    if not note.strip():
        raise InvalidInput("say why the kiosk's journal was replaced (a note) before resetting")
    anchor = current_anchor(session, kiosk_id)
    session.add(
        JournalHeadRow(
            kiosk_id=kiosk_id,
            seq=0,
            hash="",
            reported_at=now,
            verdict=Verdict.RESET.value,
            anchor_seq=anchor.seq if anchor else None,
        )
    )
    record(
        session, now, actor, f"{AUDIT_ACTION}_reset", kiosk_id,
        {"anchor_seq": anchor.seq if anchor else None, "note": note.strip()[:200]},
    )  # fmt: skip


def latest_report(session: Session, kiosk_id: str) -> JournalHeadRow | None:
    return session.scalars(
        select(JournalHeadRow)
        .where(JournalHeadRow.kiosk_id == kiosk_id)
        .order_by(JournalHeadRow.id.desc())
        .limit(1)
    ).first()


def judge(anchor: Anchor | None, head: Anchor, proof: tuple[int, str | None] | None) -> Verdict:
    """Compare a reported head with the anchor; ``proof`` is the kiosk's (seq, hash) there."""
    if anchor is None:
        return Verdict.OK
    if head.seq < anchor.seq:
        return Verdict.BACKWARDS
    if head.seq == anchor.seq:
        return Verdict.OK if head.hash == anchor.hash else Verdict.FORK
    if proof is None or proof[0] != anchor.seq:
        return Verdict.UNPROVEN
    return Verdict.OK if proof[1] == anchor.hash else Verdict.FORK


def report(session: Session, kiosk: KioskRow, body: Any, now: datetime) -> dict[str, Any]:
    """Record the head in ``body`` for ``kiosk`` (locked by the caller); answer the anchor."""
    try:
        head = Anchor.from_json(body)
        proof = _proof(body.get("at_anchor"))
    except BadAnchor as exc:
        raise InvalidInput(f"journal head: {exc}") from None
    anchor = current_anchor(session, kiosk.kiosk_id)
    verdict = judge(anchor, head, proof)
    if verdict is Verdict.UNPROVEN:
        return _answer(verdict, anchor)
    previous = latest_report(session, kiosk.kiosk_id)
    session.add(
        JournalHeadRow(
            kiosk_id=kiosk.kiosk_id,
            seq=head.seq,
            hash=head.hash,
            reported_at=now,
            verdict=verdict.value,
            anchor_seq=anchor.seq if anchor else None,
        )
    )
    if verdict is not Verdict.OK and (previous is None or previous.verdict == Verdict.OK.value):
        record(
            session,
            now,
            f"kiosk:{kiosk.kiosk_id}",
            AUDIT_ACTION,
            kiosk.kiosk_id,
            {
                "verdict": verdict.value,
                "head_seq": head.seq,
                "anchor_seq": anchor.seq if anchor else None,
            },
            result=FAILURE,
        )
    return _answer(verdict, head if verdict is Verdict.OK else anchor)


def kiosk_states(session: Session) -> dict[str, str]:
    """Per kiosk, a one-line journal state for the kiosks page (absent: never reported)."""
    states: dict[str, str] = {}
    for kiosk_id in session.scalars(select(JournalHeadRow.kiosk_id).distinct()):
        last = latest_report(session, kiosk_id)
        if last is None:
            continue
        if last.verdict == Verdict.OK.value:
            states[kiosk_id] = f"OK (seq {last.seq}, {last.reported_at:%Y-%m-%d %H:%M})"
        elif last.verdict == Verdict.RESET.value:
            states[kiosk_id] = (
                f"reset リセット ({last.reported_at:%Y-%m-%d %H:%M}): waiting for a report"
            )
        else:
            states[kiosk_id] = (
                f"要確認 CHECK: {last.verdict} — head {last.seq} vs anchor {last.anchor_seq} "
                f"({last.reported_at:%Y-%m-%d %H:%M})"
            )
    return states


def _proof(value: Any) -> tuple[int, str | None] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("seq"), int):
        raise BadAnchor('at_anchor: {"seq": n, "hash": "<64 hex digits>" or null}')
    digest = value.get("hash")
    if digest is not None and not isinstance(digest, str):
        raise BadAnchor("at_anchor.hash must be a string or null")
    return value["seq"], digest


def _answer(verdict: Verdict, anchor: Anchor | None) -> dict[str, Any]:
    return {"verdict": verdict.value, "anchor": anchor.to_json() if anchor else None}
