"""Coupon uses on this kiosk: reserve at scan, consume at commit, release on cancel.

A single-use coupon may have one live (reserved or consumed) use; a partial unique index
makes the database refuse a second one, so two shoppers on one kiosk can never both hold it.
Other kiosks are only known through the back office: :meth:`CouponBook.reconcile` takes its
list of consumed coupons, remembers them (so they are refused here from now on) and reports
every coupon two kiosks consumed while offline — a race nobody could stop at the time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kiosk.messages import N_
from plugins.coupons import tables as t
from plugins.coupons.errors import CouponAlreadyUsed, CouponLimitReached
from plugins.coupons.rules import HeldCoupon, is_signed_coupon_id

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import OpensUnitOfWork, UnitOfWork

USED_MESSAGE = (N_("This coupon has already been used."),)


@dataclass(frozen=True, slots=True)
class CouponConflict:
    """One coupon used by two sales (two kiosks offline at once)."""

    coupon_id: str
    local_sale_id: str
    remote_sale_id: str
    remote_kiosk_id: str
    local_state: str  # consumed: both sales went through; reserved: the current one must drop it


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    recorded: int
    conflicts: tuple[CouponConflict, ...]


def detect_races(uses: Iterable[tuple[str, str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Single-use coupons consumed by more than one sale: ``{coupon: [(sale, kiosk), …]}``.

    ``uses`` are ``(coupon_id, sale_id, kiosk_id)``; the back office can run this over
    every kiosk's uploads, a kiosk over its own and the back office's lists.
    """
    seen: dict[str, dict[str, str]] = {}
    for coupon_id, sale_id, kiosk_id in uses:
        seen.setdefault(coupon_id, {})[sale_id] = kiosk_id
    return {c: sorted(s.items()) for c, s in seen.items() if len(s) > 1}


class CouponBook:
    """The coupon uses in the local store, written through the runtime's units of work
    (``unit_of_work``: ``runtime.unit_of_work``); :meth:`settle` and :meth:`reinstate` take
    the caller's, so the uses change in the transaction of their outbox event and journal row."""

    def __init__(self, unit_of_work: OpensUnitOfWork, kiosk_id: str) -> None:
        self.unit_of_work = unit_of_work
        self.kiosk_id = kiosk_id

    def reserve(self, held: HeldCoupon, sale_id: str, member_id: str | None, at: datetime) -> None:
        """Hold ``held`` for ``sale_id``; raises CouponAlreadyUsed / CouponLimitReached."""
        terms = held.terms
        try:
            with self.unit_of_work() as uow:
                session = uow.session
                remote = session.execute(
                    sa.select(t.remote_uses).where(
                        t.remote_uses.c.coupon_id == held.coupon_id,
                        t.remote_uses.c.sale_id != sale_id,
                    )
                ).all()
                if held.single_use and remote:
                    raise CouponAlreadyUsed(*USED_MESSAGE)
                if (
                    terms.global_limit
                    and self._count(session, held.coupon_id) + len(remote) >= terms.global_limit
                ):
                    raise CouponLimitReached(N_("This coupon has run out."))
                if (
                    terms.per_member
                    and member_id
                    and self._member_count(session, terms.definition_id, member_id)
                    >= terms.per_member
                ):
                    raise CouponLimitReached(
                        N_("This coupon can be used {n} time(s) per member."), n=terms.per_member
                    )
                session.execute(
                    t.uses.insert().values(
                        coupon_id=held.coupon_id,
                        definition_id=terms.definition_id,
                        single_use=held.single_use,
                        state="reserved",
                        sale_id=sale_id,
                        kiosk_id=self.kiosk_id,
                        member_id=member_id,
                        reserved_at=at,
                    )
                )
        except IntegrityError:
            raise CouponAlreadyUsed(*USED_MESSAGE) from None

    def settle(
        self, uow: UnitOfWork, sale_id: str, consumed: Iterable[str], at: datetime
    ) -> list[str]:
        """At commit, in ``uow``: the coupons in ``consumed`` are used; every other
        reservation is freed."""
        keep = set(consumed)
        session = uow.session
        rows = session.execute(
            sa.select(t.uses).where(t.uses.c.sale_id == sale_id, t.uses.c.state == "reserved")
        ).all()
        for row in rows:
            state = "consumed" if row.coupon_id in keep else "released"
            session.execute(
                t.uses.update().where(t.uses.c.id == row.id).values(state=state, settled_at=at)
            )
        return sorted(r.coupon_id for r in rows if r.coupon_id in keep)

    def release(self, sale_id: str, at: datetime, coupon_id: str | None = None) -> int:
        """The sale was cancelled (or the coupon removed): its reservations are free again."""
        query = t.uses.update().where(t.uses.c.sale_id == sale_id, t.uses.c.state == "reserved")
        if coupon_id is not None:
            query = query.where(t.uses.c.coupon_id == coupon_id)
        with self.unit_of_work() as uow:
            return uow.session.execute(query.values(state="released", settled_at=at)).rowcount

    def reinstate(
        self, uow: UnitOfWork, sale_id: str, definitions: Iterable[str], at: datetime
    ) -> list[str]:
        """In ``uow``: the sale's consumed coupons of ``definitions`` are usable again (the
        goods came back): their use is marked ``reinstated``, so no limit counts it any more."""
        wanted = set(definitions)
        session = uow.session
        rows = session.execute(
            sa.select(t.uses).where(t.uses.c.sale_id == sale_id, t.uses.c.state == "consumed")
        ).all()
        again = [row for row in rows if row.definition_id in wanted]
        for row in again:
            session.execute(
                t.uses.update()
                .where(t.uses.c.id == row.id)
                .values(state="reinstated", settled_at=at)
            )
            # the back office's echo of this very use no longer refuses it here
            session.execute(
                t.remote_uses.delete().where(
                    t.remote_uses.c.coupon_id == row.coupon_id,
                    t.remote_uses.c.sale_id == sale_id,
                )
            )
        return sorted(row.coupon_id for row in again)

    def reinstate_foreign(
        self,
        uow: UnitOfWork,
        sale: Mapping[str, Any],
        coupons: Iterable[tuple[str, str]],
        at: datetime,
    ) -> list[str]:
        """In ``uow``: another kiosk's ``sale`` came back here, so its ``coupons`` (``(coupon
        id, definition id)``) are usable again. Each gets a ``reinstated`` use of that sale
        in this kiosk's book (no limit counts it; a second call finds it and does nothing)
        and the back office's echo of the sale's use no longer refuses it here. Returns the
        coupons reinstated now."""
        session = uow.session
        sale_id = str(sale["sale_id"])
        known = set(
            session.scalars(sa.select(t.uses.c.coupon_id).where(t.uses.c.sale_id == sale_id))
        )
        again = sorted({(c, d) for c, d in coupons if c not in known})
        for coupon_id, definition_id in again:
            session.execute(
                t.uses.insert().values(
                    coupon_id=coupon_id,
                    definition_id=definition_id,
                    single_use=is_signed_coupon_id(coupon_id),
                    state="reinstated",
                    sale_id=sale_id,
                    kiosk_id=str(sale.get("kiosk_id") or ""),
                    member_id=sale.get("member_id"),
                    reserved_at=at,
                    settled_at=at,
                )
            )
            session.execute(
                t.remote_uses.delete().where(
                    t.remote_uses.c.coupon_id == coupon_id, t.remote_uses.c.sale_id == sale_id
                )
            )
        return [coupon_id for coupon_id, _ in again]

    def forget_remote(self, reinstated: Iterable[tuple[str, str]]) -> int:
        """A return reinstated these ``(coupon_id, sale_id)`` uses: they no longer refuse
        the coupon here — the echo of another kiosk's use is forgotten, and this kiosk's own
        use of that sale (returned at another kiosk) is marked ``reinstated``. Returns how
        many uses changed; an unknown one (its use never reached this kiosk) is nothing."""
        forgotten = 0
        with self.unit_of_work() as uow:
            for coupon_id, sale_id in reinstated:
                forgotten += uow.session.execute(
                    t.remote_uses.delete().where(
                        t.remote_uses.c.coupon_id == coupon_id,
                        t.remote_uses.c.sale_id == sale_id,
                    )
                ).rowcount
                forgotten += uow.session.execute(
                    t.uses.update()
                    .where(
                        t.uses.c.coupon_id == coupon_id,
                        t.uses.c.sale_id == sale_id,
                        t.uses.c.state == "consumed",
                    )
                    .values(state="reinstated")
                ).rowcount
        return forgotten

    def consumed_for(self, sale_id: str) -> list[str]:
        with self.unit_of_work() as uow:
            rows = uow.session.execute(
                sa.select(t.uses.c.coupon_id).where(
                    t.uses.c.sale_id == sale_id, t.uses.c.state == "consumed"
                )
            ).all()
        return [r.coupon_id for r in rows]

    def recover(self, committed: set[str], at: datetime) -> None:
        """At start-up: reservations of committed sales are consumed, all others released."""
        with self.unit_of_work() as uow:
            session = uow.session
            rows = session.execute(sa.select(t.uses).where(t.uses.c.state == "reserved")).all()
            for row in rows:
                state = "consumed" if row.sale_id in committed else "released"
                session.execute(
                    t.uses.update().where(t.uses.c.id == row.id).values(state=state, settled_at=at)
                )

    def reconcile(
        self, consumed: Iterable[str | tuple[str, str] | tuple[str, str, str]], at: datetime
    ) -> ReconcileReport:
        """Take the back office's consumed coupons: ``id``, ``(id, sale)`` or ``(id, sale, kiosk)``.

        Each is remembered so this kiosk refuses it from now on. A single-use coupon this
        kiosk consumed or holds for a *different* sale is a conflict; each is journaled as
        ``coupon_conflict`` for staff and the back office to settle.
        """
        conflicts: list[CouponConflict] = []
        recorded = 0
        with self.unit_of_work() as uow:
            session = uow.session
            for entry in consumed:
                coupon_id, sale_id, kiosk_id = (
                    (entry, "", "") if isinstance(entry, str) else (*entry, "")[:3]
                )
                key = {"coupon_id": coupon_id, "sale_id": sale_id}
                if session.execute(sa.select(t.remote_uses).filter_by(**key)).first() is None:
                    session.execute(
                        t.remote_uses.insert().values(**key, kiosk_id=kiosk_id, seen_at=at)
                    )
                    recorded += 1
                if not sale_id:
                    continue  # the back office did not say which sale: cannot tell a race
                local = session.execute(
                    sa.select(t.uses).where(
                        t.uses.c.coupon_id == coupon_id,
                        t.uses.c.single_use.is_(True),
                        t.uses.c.state.in_(("reserved", "consumed")),
                        t.uses.c.sale_id != sale_id,
                    )
                ).all()
                conflicts += [
                    CouponConflict(coupon_id, row.sale_id, sale_id, kiosk_id, row.state)
                    for row in local
                ]
            for conflict in conflicts:  # journalled with what was recorded, or neither
                uow.journal(
                    "coupon_conflict",
                    {
                        "coupon_id": conflict.coupon_id,
                        "local_sale_id": conflict.local_sale_id,
                        "local_kiosk_id": self.kiosk_id,
                        "remote_sale_id": conflict.remote_sale_id,
                        "remote_kiosk_id": conflict.remote_kiosk_id,
                        "local_state": conflict.local_state,
                    },
                    at=at,
                )
        return ReconcileReport(recorded, tuple(conflicts))

    # --- counts --------------------------------------------------------------------------

    @staticmethod
    def _count(session: Any, coupon_id: str) -> int:
        query = sa.select(sa.func.count()).where(
            t.uses.c.coupon_id == coupon_id, t.uses.c.state.in_(("reserved", "consumed"))
        )
        return session.execute(query).scalar_one()

    @staticmethod
    def _member_count(session: Any, definition_id: str, member_id: str) -> int:
        query = sa.select(sa.func.count()).where(
            t.uses.c.definition_id == definition_id,
            t.uses.c.member_id == member_id,
            t.uses.c.state.in_(("reserved", "consumed")),
        )
        return session.execute(query).scalar_one()
