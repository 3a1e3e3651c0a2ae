"""The points ledger on the local store: one row per earn, spend, restore or reversal.

Kinds: ``earn`` (a lot with an expiry), ``redeem_tender`` and ``redeem_discount`` (spends),
``restore`` (a cancelled or refunded spend given back, as a new lot), ``reverse_earn`` (a
refunded sale's points taken back). The balance is replayed by :func:`points.balance`.

Every row has a global ``entry_id`` and goes to the outbox with it, so the store's other
kiosks apply it exactly once (:mod:`plugins.loyalty.sync`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from plugins.loyalty import tables as t
from plugins.loyalty.outbox import POINTS_EVENT, iso
from plugins.loyalty.points import Balance, EarnPolicy, Entry, balance, expiry_for

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import OpensReading, OpensUnitOfWork, UnitOfWork


class PointsLedger:
    """The points rows, read on snapshots (``reading``: ``runtime.reading``) and written
    through the runtime's units of work (``unit_of_work``: ``runtime.unit_of_work``);
    :meth:`add` writes in the caller's."""

    def __init__(
        self,
        unit_of_work: OpensUnitOfWork,
        reading: OpensReading,
        policy: EarnPolicy,
        kiosk_id: str = "",
    ) -> None:
        self.unit_of_work = unit_of_work
        self.reading = reading
        self.policy = policy
        self.kiosk_id = kiosk_id

    def balance(self, member_id: str, now: datetime) -> Balance:
        with self.reading() as read:
            rows = read.session.execute(
                sa.select(t.points).where(t.points.c.member_id == member_id)
            ).all()
        return balance((Entry(r.points, r.at, r.expires_at) for r in rows), now)

    def add(
        self,
        uow: UnitOfWork,
        member_id: str,
        kind: str,
        points: int,
        at: datetime,
        *,
        sale_id: str | None = None,
        reference: str | None = None,
        expires: bool = False,
    ) -> str:
        """Insert one row in the caller's unit of work (``points`` signed) and outbox it
        for the store's other kiosks in the same; returns its entry id."""
        entry = {
            "entry_id": str(uuid.uuid4()),
            "member_id": member_id,
            "kind": kind,
            "points": points,
            "at": at,
            "expires_at": expiry_for(at, self.policy) if expires else None,
            "sale_id": sale_id,
            "reference": reference,
            "kiosk_id": self.kiosk_id,
        }
        uow.session.execute(t.points.insert().values(**entry))
        travelling = {**entry, "at": iso(at), "expires_at": iso(entry["expires_at"])}
        uow.send_event(POINTS_EVENT, travelling, aggregate_id=member_id, at=at)
        return entry["entry_id"]

    def by_reference(self, reference: str) -> list[sa.Row]:
        with self.reading() as read:
            return list(
                read.session.execute(sa.select(t.points).where(t.points.c.reference == reference))
            )
