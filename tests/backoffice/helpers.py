"""Posting sales to the sync API the way the relay does."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi.testclient import TestClient

from tests.backoffice.factories import make_sale


def event(seq: int, at: datetime, *, n: int | None = None, kiosk_id: str = "K01", **kwargs) -> dict:
    sale = make_sale(n or seq, at, kiosk_id=kiosk_id, **kwargs)
    return {
        "seq": seq,
        "event_id": str(uuid.uuid4()),
        "kind": "sale",
        "aggregate_id": sale.sale_id,
        "payload": sale.to_document(),
    }


def post(client: TestClient, token: str, events: list[dict]):
    return client.post(
        "/api/v1/sync/outbox", json={"events": events}, headers={"Authorization": f"Bearer {token}"}
    )
