"""The relay's batch body: stored payloads sent as they are, the same document as before;
and a drain that ends without the idle probe."""

from __future__ import annotations

import json
import uuid

from kiosk.store.models import OutboxRow
from kiosk.sync import parking
from kiosk.sync.relay import CycleOutcome
from kiosk.sync.wire import wire_body, wire_event
from tests.backoffice.factories import make_sale

AWKWARD = 'quote " backslash \\ newline \n tab \t 日本語の商品 😀 \u2028 </script>'


def queue(store, clock, kind: str, payload: dict) -> int:
    with store.transaction() as session:
        row = OutboxRow(
            event_id=str(uuid.uuid4()),
            kind=kind,
            aggregate_id=str(uuid.uuid4()),
            payload=payload,
            created_at=clock(),
        )
        session.add(row)
        session.flush()
        return row.seq


def test_function_wire_body_is_the_document_the_decoded_rows_make(store, clock):
    """GIVEN sales, an event with awkward text and a parked event with an awkward reason
    WHEN the body is built from the stored JSON text THEN it parses to exactly the document
    built from the decoded rows (as httpx's ``json=`` sent it before)."""
    for n in range(1, 4):
        clock.advance(seconds=1.5)
        store.commit_sale(make_sale(n, clock()))
    queue(store, clock, "note", {"text": AWKWARD, "nested": [{"n": 1, "none": None}], "ok": True})
    parked = queue(store, clock, "sale", {"sale_id": "x"})
    parking.park(store, parked, f"HTTP 422: {AWKWARD}", clock())

    decoded = store.unsent_outbox(10)
    raw = store.unsent_outbox_wire(10)
    body = wire_body(store.instance_id, raw)

    expected = {"store_instance": store.instance_id, "events": [wire_event(r) for r in decoded]}
    assert json.loads(body) == expected
    assert [r.seq for r in raw] == [r.seq for r in decoded] and len(raw) == 5
    assert json.loads(body)["events"][-1]["kind"] == parking.PARKED_KIND
    body.decode("utf-8")  # valid UTF-8 throughout


def posted_paths(relay) -> list[str]:
    paths: list[str] = []
    relay.client.event_hooks["request"].append(lambda request: paths.append(request.url.path))
    return paths


def test_function_a_drain_ends_without_a_probe_and_an_idle_cycle_still_probes(relay, store, clock):
    """GIVEN 25 sales (batches of 10) WHEN the relay drains THEN three POSTs and no status
    probe; WHEN it is idle again later THEN it probes the back office as before."""
    for n in range(1, 26):
        clock.advance(minutes=1)
        store.commit_sale(make_sale(n, clock()))
    paths = posted_paths(relay)
    result = relay.run(max_cycles=10, stop_when_idle=True)
    assert result.outcome is CycleOutcome.IDLE and store.unsent_outbox() == []
    assert paths == ["/api/v1/sync/outbox"] * 3
    clock.advance(seconds=5)
    assert relay.send_once().outcome is CycleOutcome.IDLE
    assert paths[-1] == "/api/v1/sync/status" and relay.runtime.backoffice_reachable is True
