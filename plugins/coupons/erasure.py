"""A member's erasure (APPI) in the coupon tables, run by the member plugin's unit of work.

Loyalty erases the member; this plugin says how its own rows go (``kiosk_member_erasers``),
so neither imports the other. Coupons attached to the member are deleted; a coupon use keeps
its row (single use across kiosks still holds for the coupon itself) without the member id,
as loyalty's own per-sale links lose it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.personal_data import MemberEraser
from plugins.coupons import tables as t

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import UnitOfWork


def erase_member(uow: UnitOfWork, member_id: str, at: datetime) -> int:
    """Delete the member's coupons and unlink the member from coupon uses; rows changed."""
    session = uow.session
    attached = session.execute(
        t.member_coupons.delete().where(t.member_coupons.c.member_id == member_id)
    )
    used = session.execute(
        t.uses.update().where(t.uses.c.member_id == member_id).values(member_id=None)
    )
    return int(attached.rowcount or 0) + int(used.rowcount or 0)


def member_eraser(plugin: str) -> MemberEraser:
    return MemberEraser(
        plugin, "coupons attached to the member; the member on coupon uses", erase_member
    )
