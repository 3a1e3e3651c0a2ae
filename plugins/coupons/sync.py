"""Pulling the back office's feeds, and coupon uses from the store's other kiosks.

The back office numbers what kiosks of a store send it (coupon uses, points entries,
members) in one feed per store; a kiosk pulls each topic from a cursor it keeps in its
local store (``sync.feed.<topic>``). The cursor moves only after a page is applied, and
every entry carries its own id, so a crash in between re-applies a page harmlessly.

Coupon uses go straight into :meth:`plugins.coupons.Plugin.reconcile`: from the next pull
on this kiosk refuses a coupon used elsewhere, and a coupon two kiosks used while offline
is journaled as ``coupon_conflict``. A use another kiosk reinstated (its sale came back,
``reinstate_on_return``) stops refusing the coupon here from the pull that brings it. The loyalty plugin reuses :class:`FeedPuller`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)

COUPONS_TOPIC = "coupons"
#: the outbox kind a return's reinstated coupons go to the back office as
REINSTATED_EVENT = "coupons_reinstated"
#: the feed's entry kinds (the back office's, plugins.loyalty.backoffice.loyalty_sync)
FEED_KINDS = {"coupon_used": "used", "coupon_reinstated": "reinstated"}


class FeedPuller:
    """Pages through one topic of the store's feed and hands each page to ``apply``.

    ``runtime`` keeps the cursor (its ``stored_value``/``store_value``)."""

    def __init__(
        self,
        runtime: Any,
        topic: str,
        apply: Callable[[list[dict[str, Any]]], Any],
        page: int = 500,
    ) -> None:
        self.runtime, self.topic, self.apply, self.page = runtime, topic, apply, page

    @property
    def cursor_key(self) -> str:
        return f"sync.feed.{self.topic}"

    @property
    def cursor(self) -> int:
        return int(self.runtime.stored_value(self.cursor_key, 0))

    def pull(self, client: httpx.Client, token: str) -> int:
        """Fetch and apply every new entry; returns how many. HTTP errors propagate."""
        applied = 0
        while True:
            after = self.cursor
            response = client.get(
                f"/api/v1/sync/feed/{self.topic}",
                params={"after": after, "limit": self.page},
                headers={"Authorization": f"Bearer {token}"},
            )
            response.raise_for_status()
            body = response.json()
            if int(body["head"]) < after:
                # the back office was restored from an older backup: its feed restarted
                log.warning("%s feed is behind this kiosk's cursor: pulling it again", self.topic)
                self.runtime.store_value(self.cursor_key, 0)
                continue
            entries = list(body["entries"])
            if entries:
                self.apply(entries)
            self.runtime.store_value(self.cursor_key, int(body["next"]))
            applied += len(entries)
            if not body.get("more"):
                return applied


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
