"""Pulling one topic of the back office's per-store feed (``GET /api/v1/sync/feed/<topic>``).

The back office numbers what a store's kiosks send it (coupon uses, points entries,
members) in one feed per store; a kiosk pulls each topic from a cursor it keeps in its
local store (``sync.feed.<topic>``). The cursor moves only after a page is applied, and
every entry carries its own id, so a crash in between re-applies a page harmlessly.

Shared by the plugins that pull a topic from their ``sync_pull`` step (docs/plugins.md,
"Pulling from the back office"): the coupons plugin (``coupons``) and the loyalty plugin
(``loyalty``), neither importing the other for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)


class FeedPuller:
    """Pages through one topic of the store's feed and hands each page to ``apply``.

    ``runtime`` keeps the cursor (its ``stored_value``/``store_value``, under
    ``sync.feed.<topic>``): a plugin's scoped runtime keeps only the cursor of the topic
    named after the plugin (:mod:`kiosk.plugin_scope`)."""

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
