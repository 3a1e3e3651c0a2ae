"""Back-office features that build their own tables from kiosk outbox events.

Every non-sale event is kept as received in ``bo_kiosk_events``; a feature that needs more
(the parked stand-ins) registers a handler for the event kinds it understands; a plugin's
come from ``kiosk_backoffice_event_handlers`` (loyalty's coupon uses and points entries,
tax-free's records). Handlers run inside the ingest transaction, after the raw row is added, so an
event and what was derived from it commit together or not at all, and a duplicate delivery
(already acknowledged) never reaches them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from kiosk.backoffice.core import extensions

if TYPE_CHECKING:
    from kiosk.backoffice.kiosks.models import KioskRow
    from kiosk.backoffice.sales.ingest import OutboxEvent

Handler = Callable[[Session, "KioskRow", "OutboxEvent", datetime], None]

# Modules that register handlers with @handles; imported once, on the first event.
FEATURE_MODULES: tuple[str, ...] = (
    "kiosk.backoffice.sales.parked_events",
    "kiosk.backoffice.returns.ingest",
)

_handlers: dict[str, list[Handler]] = {}
_loaded = False


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function for outbox events of ``kind``."""

    def register(handler: Handler) -> Handler:
        _handlers.setdefault(kind, []).append(handler)
        return handler

    return register


def apply(session: Session, kiosk: KioskRow, event: OutboxEvent, now: datetime) -> None:
    """Run every handler registered for ``event.kind``, the core's then the plugins'
    (``kiosk_backoffice_event_handlers``); a raising handler fails the batch."""
    global _loaded
    if not _loaded:
        for name in FEATURE_MODULES:
            importlib.import_module(name)
        _loaded = True
    for handler in (*_handlers.get(event.kind, ()), *extensions.current().handlers_for(event.kind)):
        handler(session, kiosk, event, now)
