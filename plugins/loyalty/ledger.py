"""The points ledger on the local store: one row per earn, spend, restore or reversal.

Kinds: ``earn`` (a lot with an expiry), ``redeem_tender`` and ``redeem_discount`` (spends),
``restore`` (a cancelled or refunded spend given back, as a new lot), ``reverse_earn`` (a
refunded sale's points taken back). The balance is replayed by :func:`points.balance`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from plugins.loyalty import tables as t
from plugins.loyalty.points import Balance, EarnPolicy, Entry, balance, expiry_for


class PointsLedger:
    def __init__(self, store, policy: EarnPolicy) -> None:
        self.store = store
        self.policy = policy

    def balance(self, member_id: str, now: datetime) -> Balance:
        with self.store.transaction() as session:
            rows = session.execute(
                sa.select(t.points).where(t.points.c.member_id == member_id)
            ).all()
        return balance((Entry(r.points, r.at, r.expires_at) for r in rows), now)

    def add(
        self,
        session,
        member_id: str,
        kind: str,
        points: int,
        at: datetime,
        *,
        sale_id: str | None = None,
        reference: str | None = None,
        expires: bool = False,
    ) -> None:
        """Insert one row inside the caller's transaction (``points`` signed)."""
        session.execute(
            t.points.insert().values(
                member_id=member_id,
                kind=kind,
                points=points,
                at=at,
                expires_at=expiry_for(at, self.policy) if expires else None,
                sale_id=sale_id,
                reference=reference,
            )
        )

    def by_reference(self, reference: str) -> list[sa.Row]:
        with self.store.transaction() as session:
            return list(
                session.execute(sa.select(t.points).where(t.points.c.reference == reference))
            )
