"""The relay's batch as ``POST /api/v1/sync/outbox`` takes it.

:func:`wire_event` is the document of one event; :func:`wire_body` is the whole batch as
bytes, built from rows read by :meth:`~kiosk.store.LocalStore.unsent_outbox_wire`: each
payload goes in as the JSON text the store holds, never decoded and encoded again (that
round trip was a tenth of a drain's CPU on the kiosk). Both give the same JSON document, so
the back office's schemas see exactly what they saw before; only the bytes' spacing differs
(the store writes ``", "`` and ``\\uXXXX`` escapes, httpx writes compact UTF-8).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring  # C; the string as json.dumps(ensure_ascii=False)
from typing import Any

from kiosk.sync import parking


def wire_event(row: Any) -> dict[str, Any]:
    """One outbox row as ``POST /api/v1/sync/outbox`` takes it (a parked one: its stand-in)."""
    if row.parked_at is not None:
        kind, payload = parking.PARKED_KIND, parking.stand_in(row)
    else:
        kind, payload = row.kind, row.payload
    return {
        "seq": row.seq,
        "event_id": row.event_id,
        "kind": kind,
        "aggregate_id": row.aggregate_id,
        "created_at": row.created_at.isoformat(),
        "payload": payload,
    }


def wire_body(store_instance: str, rows: Iterable[Any]) -> bytes:
    """``{"store_instance": …, "events": [wire_event(row), …]}`` as UTF-8 JSON, for rows
    read by :meth:`~kiosk.store.LocalStore.unsent_outbox_wire` (unpacked by position: half
    the cost of reading them by name)."""
    events: list[str] = []
    add = events.append
    for row in rows:
        seq, event_id, kind, aggregate_id, created_at, parked_at, _reason, payload = row
        if parked_at is not None:
            kind = parking.PARKED_KIND
            payload = json.dumps(parking.stand_in(row), ensure_ascii=False)
        add(
            f'{{"seq":{int(seq)},"event_id":{encode_basestring(event_id)},'
            f'"kind":{encode_basestring(kind)},"aggregate_id":{encode_basestring(aggregate_id)},'
            f'"created_at":{encode_basestring(created_at.isoformat())},'
            f'"payload":{"null" if payload is None else payload}}}'
        )
    return (
        f'{{"store_instance":{json.dumps(store_instance)},"events":[{",".join(events)}]}}'.encode()
    )
