"""Member erasure across plugins (APPI 利用停止・消去請求): ``kiosk_member_erasers``.

The plugin that keeps members (loyalty) erases a member; other plugins keep rows that name
the member too (coupons: coupons attached to the member, the member on a coupon use). They
must go in the same transaction, and no plugin imports another: each one describes how it
erases its own rows (:class:`MemberEraser`), and the erasing plugin runs every description
through ``runtime.erase_member_data(uow, member_id, at)`` inside its own unit of work. The
hook returns descriptions, not a notification, because the plugin host runs hooks on worker
threads under a deadline and drops a failing one: an erasure must run on the caller's
thread, in the caller's transaction, and fail as a whole when one part fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class MemberEraser:
    """How one plugin erases a member's rows from its own tables (``kiosk_member_erasers``).

    ``erase(uow, member_id, at)`` deletes, or strips the member id from, every row of the
    plugin's own tables that names ``member_id``, through ``uow.session`` (the erasing unit of
    work: do not commit), and returns how many rows it changed. It may raise: the whole
    erasure is then rolled back and the member is left as it was, for staff to retry.
    """

    plugin: str  # the plugin's name, as the erasure's journal row names it
    erases: str  # what it erases, in a few English words (for the audit and the docs)
    erase: Callable[[UnitOfWork, str, datetime], int]  # (uow, member id, at) -> rows changed


def member_eraser(value: Any) -> str | None:
    """Why ``value`` is not a :class:`MemberEraser` (the plugin host's result check)."""
    if not isinstance(value, MemberEraser):
        return f"is {type(value).__name__}, not a MemberEraser"
    if not (isinstance(value.plugin, str) and value.plugin):
        return "MemberEraser.plugin is not a non-empty str"
    if not callable(value.erase):
        return "MemberEraser.erase is not callable"
    return None


def run_erasers(
    erasers: Iterable[MemberEraser], uow: UnitOfWork, member_id: str, at: datetime
) -> dict[str, int]:
    """Run each eraser in ``uow``; the rows each plugin changed, by plugin name."""
    changed: dict[str, int] = {}
    for eraser in erasers:
        count = eraser.erase(uow, member_id, at)
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError(
                f"{eraser.plugin}'s member eraser returned {count!r}, not a row count (int)"
            )
        changed[eraser.plugin] = changed.get(eraser.plugin, 0) + count
    return changed
