"""The store's identity checked with the back office's journal anchor, for the command line.

``kiosk journal verify``, ``kiosk doctor`` and ``kiosk store confirm-new`` use it; the running
kiosk checks the same on its sync thread (:meth:`SyncService.check_store_identity`).
"""

from __future__ import annotations

import httpx

from kiosk.messages import Message, side_by_side
from kiosk.store import LocalStore, identity
from kiosk.store.anchor import Anchor
from kiosk.sync.anchor import AnchorReporter

CONFIRM_COMMAND = "kiosk store confirm-new --reason …"


def remote_anchor(
    store: LocalStore, url: str | None, token: str | None, timeout_s: float = 5.0
) -> tuple[Anchor | None, str]:
    """The back office's anchor for this kiosk, and a line saying if it could be asked."""
    if not url:
        return None, ""
    with httpx.Client(base_url=url, timeout=timeout_s) as client:
        try:
            return AnchorReporter(store, client, token or "").fetch_anchor(), ""
        except httpx.HTTPError as exc:
            return None, side_by_side(
                Message.of("back office not asked ({error})", error=type(exc).__name__)
            )


def verify_identity(
    store: LocalStore, url: str | None, token: str | None
) -> tuple[identity.IdentityCheck, list[str]]:
    """The store against its marker and, when reachable, the back office's anchor."""
    anchor, note = remote_anchor(store, url, token)
    result = identity.check(store, anchor)
    lines = [result.message]
    if not result.ok:
        lines.append(
            side_by_side(
                Message.of("staff: if this is intended, run '{command}'", command=CONFIRM_COMMAND)
            )
        )
    if note:
        lines.append(note)
    return result, lines
