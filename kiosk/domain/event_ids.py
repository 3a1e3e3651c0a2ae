"""Outbox event ids derived from what an event is about, in one namespace.

An outbox event id is the back office's idempotency key: it keeps each id once
(``bo_kiosk_events.event_id`` unique, the sales' own ids), so an event sent twice counts
once. Most events get a random id when they are queued; an event that must have the same id
however often it is made — a plugin's replay after a crash
(:meth:`kiosk.runtime.unit_of_work.UnitOfWork.send_event`), a sale's receipt sections the
back office looks up by sale (:mod:`kiosk.domain.receipt_sections`) — gets
:func:`derived_event_id` of its kind and key.

The namespace is fixed for good: a plugin's replay finds the event it queued before a
crash by this id, and the back office finds the events it was sent by it. An id already in
an outbox row is sent as stored, never derived again.
"""

from __future__ import annotations

import uuid

#: The namespace of every derived outbox event id (uuid5 of ``kind`` U+001F ``key``).
EVENT_NAMESPACE = uuid.UUID("6f1d7a52-3c0e-4b8e-9a51-2f4a8e0c9b17")


def derived_event_id(kind: str, key: str) -> str:
    """The event id of the event of ``kind`` about ``key`` (a sale id, an entry id)."""
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{kind}\x1f{key}"))
