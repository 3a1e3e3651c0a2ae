"""The stored sale document is the door's JSON text of the parsed payload, reused by the ingest.

GIVEN/WHEN/THEN in each test. The door encodes every payload once for its size check
(``schemas.payload_text``); the ingest stores that text instead of encoding the document a
second time. What is stored must still be the validated, parsed document in one canonical
encoding, never the request's own bytes (indented, escaped, a key given twice).
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, text

from kiosk.backoffice.sales.ingest_rows import storable_json
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.sales.schemas import payload_text
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event


def canonical(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def stored(bo_db) -> dict[str, tuple[str, dict]]:
    """Each sale's document as the database holds it (its text) and as the ORM reads it."""
    as_text = "document::text" if bo_db.engine.dialect.name == "postgresql" else "document"
    with bo_db.reading() as s:
        texts = dict(s.execute(text(f"SELECT sale_id, {as_text} FROM bo_sales")).all())
        docs = {r.sale_id: r.document for r in s.scalars(select(SaleRow))}
    return {sale_id: (texts[sale_id], docs[sale_id]) for sale_id in texts}


def post_raw(client, token: str, body: str):
    return client.post(
        "/api/v1/sync/outbox",
        content=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def japanese(seq: int) -> dict:
    e = event(seq, DAY + timedelta(minutes=seq))
    e["payload"]["lines"][0]["name_ja"] = "おにぎり 鮭・梅"
    return e


def test_function_the_stored_document_is_the_canonical_text_not_the_request(
    client, bo_db, kiosk_token
):
    """GIVEN a batch of 1 sale (an INSERT on PostgreSQL) and one of 12 (COPY), Japanese names,
    sent indented with every non-ASCII character escaped
    WHEN posted THEN each stored document's text is the compact, unescaped encoding of the
    parsed payload (what the door checked), and reads back equal to the payload."""
    batches = [[japanese(1)], [japanese(i) for i in range(2, 14)]]
    for batch in batches:
        body = json.dumps({"events": batch}, indent=2, ensure_ascii=True)
        assert post_raw(client, kiosk_token, body).json()["applied"] == len(batch)
    found = stored(bo_db)
    for e in (e for batch in batches for e in batch):
        payload = e["payload"]
        stored_text, document = found[payload["sale_id"]]
        assert stored_text == canonical(payload) == payload_text(payload)
        assert "おにぎり" in stored_text and json.loads(stored_text) == document == payload


def test_function_a_key_given_twice_is_stored_as_parsed(client, bo_db, kiosk_token):
    """GIVEN a payload whose raw JSON gives ``receipt_no`` twice (JSON keeps the last)
    WHEN posted THEN the stored text holds the parsed value only, canonically encoded."""
    e = japanese(1)
    payload = e["payload"]
    envelope = json.dumps({k: v for k, v in e.items() if k != "payload"})
    raw_payload = '{"receipt_no": 999999, ' + json.dumps(payload)[1:]
    body = '{"events": [' + envelope[:-1] + ', "payload": ' + raw_payload + "}]}"
    assert post_raw(client, kiosk_token, body).json()["applied"] == 1
    stored_text, document = stored(bo_db)[payload["sale_id"]]
    parsed = json.loads(raw_payload)  # receipt_no first (where JSON first saw it), then kept
    assert "999999" not in stored_text and stored_text == canonical(parsed)
    assert document == parsed == payload


def test_function_a_lone_surrogate_is_stored_escaped_as_before(client, bo_db, kiosk_token):
    """GIVEN a name holding a lone surrogate (``\\ud800`` in the request; UTF-8 cannot
    encode it, so the door's unescaped text cannot be stored as it is)
    WHEN posted THEN the sale is stored all the same (encoded anew, escaped) and reads back
    equal to the payload."""
    e = japanese(1)
    e["payload"]["extra"] = {"note": "鮭\ud800"}
    assert storable_json(canonical(e["payload"])) is None
    body = json.dumps({"events": [e]})  # ensure_ascii: the surrogate travels as \ud800
    answer = post_raw(client, kiosk_token, body)
    assert answer.json()["applied"] == 1, answer.text
    stored_text, document = stored(bo_db)[e["payload"]["sale_id"]]
    assert "\\ud800" in stored_text and document == e["payload"]
