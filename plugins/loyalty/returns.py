"""Points and returns (返品): points earned on returned goods are taken back, points used
as a discount on them are given back (a points *tender* comes back by refunding that
payment, :class:`plugins.loyalty.tender.PointsMethod.refund`).

In proportion to the money: after returns refunding ``R`` of a sale of ``T``, the sale's
``earned`` points are reversed down to ``earned × R // T`` (all of them once everything is
back), and the same for its points discount. Each return books the difference from what
earlier returns booked, so the parts add up exactly and a replay books nothing (rows carry
the return id as ``reference``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from plugins.loyalty import tables as t

EARN_BACK, RESTORE = "return_earn", "return_restore"


def record_return(service: Any, document: dict[str, Any]) -> tuple[int, int] | None:
    """Book a committed return's points (earned taken back, discount points restored).

    Returns ``(taken back, restored)``, or ``None`` when the sale earned and used none for a
    member, or the return was booked already."""
    original_id, return_id = str(document["original_sale_id"]), str(document["return_id"])
    at = service.now
    # the points and their outbox events in one unit of work, reading the store's sale and
    # committed returns inside it (a return committing meanwhile is counted or waits)
    with service.runtime.unit_of_work() as uow:
        session = uow.session
        sale = session.execute(sa.select(t.sales).where(t.sales.c.sale_id == original_id)).first()
        if sale is None or sale.member_id is None or sale.reversed_at is not None:
            return None
        booked = sa.select(t.points.c.entry_id).where(t.points.c.reference == return_id)
        if session.execute(booked).first():
            return None
        original = uow.sale_document(original_id)
        total = int(original["total"]) if original is not None else 0
        refunded = -sum(int(d["total"]) for d in uow.committed_returns(original_id))
        done = dict(
            session.execute(
                sa.select(t.points.c.kind, sa.func.sum(t.points.c.points))
                .where(t.points.c.sale_id == original_id, t.points.c.kind.in_([EARN_BACK, RESTORE]))
                .group_by(t.points.c.kind)
            ).all()
        )
        take = _share(sale.earned, refunded, total) + int(done.get(EARN_BACK) or 0)
        give = _share(sale.redeemed_discount, refunded, total) - int(done.get(RESTORE) or 0)
        if take:
            service.ledger.add(
                uow,
                sale.member_id,
                EARN_BACK,
                -take,
                at,
                sale_id=original_id,
                reference=return_id,
            )
        if give:
            service.ledger.add(
                uow,
                sale.member_id,
                RESTORE,
                give,
                at,
                sale_id=original_id,
                reference=return_id,
                expires=True,
            )
        return take, give


def recover_returns(service: Any) -> int:
    """Book committed returns whose points were not booked (a crash after the commit)."""
    with service.runtime.unit_of_work() as uow:
        documents = uow.committed_returns()
    return sum(1 for document in documents if record_return(service, document))


def _share(points: int, refunded: int, total: int) -> int:
    if not points or total <= 0:
        return 0
    return points if refunded >= total else points * refunded // total
