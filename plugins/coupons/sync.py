"""Coupon uses from the store's other kiosks, through the back office's feed (topic
``coupons``, pulled by :class:`kiosk.sync.feed.FeedPuller`).

Coupon uses go straight into :meth:`plugins.coupons.Plugin.reconcile`: from the next pull
on this kiosk refuses a coupon used elsewhere, and a coupon two kiosks used while offline
is journaled as ``coupon_conflict``. A use another kiosk reinstated (its sale came back,
``reinstate_on_return``) stops refusing the coupon here from the pull that brings it.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

COUPONS_TOPIC = "coupons"
#: the outbox kind a return's reinstated coupons go to the back office as
REINSTATED_EVENT = "coupons_reinstated"
#: the feed's entry kinds (the back office's, plugins.loyalty.backoffice.loyalty_sync)
FEED_KINDS = {"coupon_used": "used", "coupon_reinstated": "reinstated"}


def feed_changes(
    entries: list[dict[str, Any]],
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The feed's coupon entries as runs of ``("used" | "reinstated", [(coupon_id, sale_id,
    kiosk_id), …])`` in feed order (a use and its reinstatement on one page apply in turn);
    a malformed entry is skipped with a warning."""
    runs: list[tuple[str, list[tuple[str, str, str]]]] = []
    for entry in entries:
        payload = entry.get("payload") or {}
        change = tuple(payload.get(k) for k in ("coupon_id", "sale_id", "kiosk_id"))
        kind = FEED_KINDS.get(str(entry.get("kind")))
        if kind is None or not all(isinstance(v, str) and v for v in change):
            log.warning("coupon feed entry %s skipped: not a coupon use", entry.get("seq"))
            continue
        if not runs or runs[-1][0] != kind:
            runs.append((kind, []))
        runs[-1][1].append(change)  # type: ignore[arg-type]
    return runs
