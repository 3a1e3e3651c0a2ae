"""Fuzz every kiosk-facing route (hypothesis, in process): no body or parameter is a 5xx.

Bodies are arbitrary JSON and valid messages with one part replaced by arbitrary JSON
(big and negative integers, floats, long strings, nesting) or removed. A 5xx here means a
kiosk could make its relay think the back office is down and block its own sync.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.backoffice.factories import DAY, make_sale

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # reproducible in CI: no example database between runs
)

LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        [2**31, 2**63, -(2**63) - 1, 10**18, "2026-11-20T09:00:00", "2026-11-20T09:00:00+09:00", ""]
    )
    | st.text(max_size=40)
    | st.text(min_size=60, max_size=400)
)
JSON = st.recursive(
    LEAF,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one value somewhere replaced by arbitrary JSON, or a key dropped."""
    if not isinstance(document, dict | list) or not document or draw(st.integers(0, 4)) == 0:
        return draw(JSON)
    copy = dict(document) if isinstance(document, dict) else list(document)
    key = draw(st.sampled_from(list(copy) if isinstance(copy, dict) else range(len(copy))))
    if isinstance(copy, dict) and draw(st.integers(0, 5)) == 0:
        del copy[key]
    else:
        copy[key] = draw(mutated(copy[key]))
    return copy


def sale_payload() -> dict[str, Any]:
    return make_sale(7, DAY, member_id="M0001").to_document()


VALID_PAYLOADS: dict[str, dict[str, Any]] = {
    "sale": sale_payload(),
    "coupons": {"sale_id": "s1", "kiosk_id": "K01", "coupons": ["C100:SN-1", "FLYER"]},
    "loyalty": {"sale_id": "s1", "member_id": "M1", "earned": 5, "campaigns": []},
    "loyalty_points": {
        "entry_id": "e1",
        "member_id": "M1",
        "kind": "earn",
        "points": 5,
        "at": "2026-11-20T09:00:00",
        "expires_at": None,
        "sale_id": None,
        "reference": None,
        "kiosk_id": "K01",
    },
    "loyalty_member": {
        "op": "upsert",
        "member_id": "M1",
        "kiosk_id": "K01",
        "created_at": "2026-11-20T09:00:00",
        "sealed": "c2VhbGVk",
        "phone_index": "a" * 64,
        "card_index": None,
        "consent": {
            "version": "1",
            "language": "ja",
            "text_sha256": "b" * 64,
            "agreed_at": "2026-11-20T09:00:00",
            "kiosk_id": "K01",
        },
    },
    "receipt_sections": {
        "sale_id": "s1",
        "sections": [{"title": "ポイント", "lines": ["今回獲得ポイント 12pt"], "qr": None}],
    },
    "return": {
        "sale_id": "r1",
        "return_id": "r1",
        "original_sale_id": "s1",
        "completed_at": "2026-11-20T10:00:00",
        "total": -150,
        "lines": [{"original_line_id": 1, "sku": "4901234000018", "quantity": -1, "amount": -150}],
        "tenders": [{"method": "cash", "amount": -150}],
        "rates": [{"tax": "reduced", "rate_percent": 8, "gross": -150, "tax_amount": -11}],
    },
    "tax_free_record": {
        "v": 1,
        "record_id": "r1",
        "sale_id": "s1",
        "store_code": "S",
        "kiosk_id": "K01",
        "status": "pending",
        "reason": "",
        "sale_date": "2026-11-20",
        "sold_at": "2026-11-20T09:00:00",
        "key_id": "k1",
        "buyer_key": "b" * 64,
        "buyer": "DOE J.",
        "passport": "1234",
        "net_total": 10000,
        "refund_amount": 1000,
        "export_deadline": "2026-12-20",
        "nta_receipt": None,
        "refunded_at": None,
        "refund_channel": None,
        "updated_at": "2026-11-20T09:00:00",
    },
    "parked": {"kind": "sale", "reason": "HTTP 422"},
    "plugin_event": {"anything": [1, "two"]},
}

REPORT = {
    "role": "payment",
    "state": "idle",
    "checkout_state": "idle",
    "mode": "open",
    "total": 0,
    "items": 0,
    "seconds_in_state": 3,
    "health": {"printer": "ok"},
    "unsent_sales": 0,
    "alerts": [{"kind": "help", "detail": "help"}],
    "handoff_id": None,
    "lines": [{"line_id": 1, "sku": "A", "name": "おにぎり", "quantity": 1, "amount": 150}],
    "transitions": [
        {"old": "idle", "new": "shopping", "trigger": "scan", "at": "2026-11-20T09:00:00"}
    ],
    "audit": [
        {
            "at": "2026-11-20T09:00:00",
            "staff_id": "S1",
            "action": "approve_age",
            "via": "pin",
            "ok": True,
            "detail": "ok",
            "args": {},
            "sale_id": "x",
        }
    ],
    "handoffs_done": [{"handoff_id": "H1", "sale_id": "s1", "total": 100}],
    "results": [{"id": 1, "ok": True, "detail": "done"}],
}
HANDOFF = {
    "handoff_id": "H1",
    "staff_id": "S1",
    "total": 500,
    "items": 1,
    "expires_at": "2026-11-20T23:00:00",
    "code": "signed",
}
JOURNAL_HEAD = {"seq": 3, "hash": "a" * 64, "at_anchor": {"seq": 3, "hash": "a" * 64}}

BODY_ROUTES = {
    "/api/v1/console/report": REPORT,
    "/api/v1/handoffs": HANDOFF,
    "/api/v1/handoffs/claim": {"handoff_id": "H1"},
    "/api/v1/sync/journal-head": JOURNAL_HEAD,
    "/api/v1/masterdata/applied": {"version": 1},
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_no_5xx(response, sent: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300], sent)


@pytest.mark.parametrize("kind", sorted(VALID_PAYLOADS))
def test_fuzz_outbox_events_never_5xx(client, kiosk_token, kind):
    """Each event kind, mutated, as the next seq: applied (200) or refused (4xx), never 5xx."""

    @SETTINGS
    @given(payload=mutated(VALID_PAYLOADS[kind]), envelope=mutated({"seq": 1}))
    def check(payload: Any, envelope: Any) -> None:
        last = client.get("/api/v1/sync/status", headers=bearer(kiosk_token)).json()["last_seq"]
        event = {
            "seq": last + 1,
            "event_id": str(uuid.uuid4()),
            "kind": kind,
            "aggregate_id": "a1",
            "created_at": "2026-11-20T09:00:00",
            "payload": payload,
        }
        if isinstance(envelope, dict) and "seq" not in envelope:
            del event["seq"]  # the envelope itself fuzzed too, now and then
        elif not isinstance(envelope, dict):
            event["seq"] = envelope
        body = {"events": [event]}
        response = client.post("/api/v1/sync/outbox", json=body, headers=bearer(kiosk_token))
        assert_no_5xx(response, body)

    check()


@pytest.mark.parametrize("path", sorted(BODY_ROUTES))
def test_fuzz_kiosk_bodies_never_5xx(client, kiosk_token, path):
    @SETTINGS
    @given(body=mutated(BODY_ROUTES[path]))
    def check(body: Any) -> None:
        response = client.post(path, json=body, headers=bearer(kiosk_token))
        assert_no_5xx(response, body)

    check()


PARAM = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "2026-11-20", "", "1e9", "-0"]),
    st.text(max_size=30),
)


def test_fuzz_kiosk_query_parameters_never_5xx(client, kiosk_token):
    @SETTINGS
    @given(a=PARAM, b=PARAM, topic=st.sampled_from(["coupons", "loyalty", "x"]))
    def check(a: str, b: str, topic: str) -> None:
        for path, params in (
            ("/api/v1/masterdata/current", {"have": a}),
            (f"/api/v1/sync/feed/{topic}", {"after": a, "limit": b}),
            (
                "/api/v1/tax-free/same-day",
                {"buyer_key": a, "key_id": b, "store_code": "S", "date": a},
            ),
            (
                "/api/v1/tax-free/same-day",
                {"buyer_key": "k", "key_id": "k", "store_code": "S", "date": b},
            ),
        ):
            response = client.get(path, params=params, headers=bearer(kiosk_token))
            assert_no_5xx(response, (path, params))

    check()


def test_fuzz_staff_query_parameters_never_5xx(client, staff):
    from tests.backoffice.databases import sign_in

    sign_in(client, staff["admin"])

    @SETTINGS
    @given(a=PARAM, b=PARAM)
    def check(a: str, b: str) -> None:
        for path, params in (
            ("/api/v1/reports/day", {"day": a}),
            ("/api/v1/reports/month", {"month": a}),
            ("/api/v1/search", {"amount_min": a, "amount_max": b, "limit": b, "offset": a}),
            ("/api/v1/search", {"date_from": a, "date_to": b}),
            ("/api/v1/customers", {"limit": a, "offset": b}),
            ("/api/v1/customers/M1", {"offset": a}),
            ("/api/v1/campaigns", {"date_from": a, "date_to": b}),
            ("/search", {"amount_min": a, "offset": b, "date_from": b}),
            ("/customers", {"offset": a}),
            ("/reports/archive", {"offset": a}),
            ("/settlement", {"day": a}),
            ("/tax-free", {"date_from": a, "date_to": b}),
        ):
            response = client.get(path, params=params)
            assert_no_5xx(response, (path, params))

    check()


def with_nul(document: Any) -> Any:
    """``document`` with a NUL character in every text (PostgreSQL text cannot hold one)."""
    if isinstance(document, str):
        return document + "\x00"
    if isinstance(document, dict):
        return {k: with_nul(v) for k, v in document.items()}
    if isinstance(document, list):
        return [with_nul(v) for v in document]
    return document


@pytest.mark.parametrize("path", sorted(BODY_ROUTES))
def test_nul_characters_in_kiosk_bodies_are_refused_not_5xx(client, kiosk_token, path):
    """Found by the fuzzer on a fresh machine: a hand-off claim for ``"\\x00"`` reached
    PostgreSQL and was a 500. A NUL in a text field is a bad field at the door (422), not a
    database error."""
    body = with_nul(BODY_ROUTES[path])
    response = client.post(path, json=body, headers=bearer(kiosk_token))
    assert_no_5xx(response, body)
    if path == "/api/v1/handoffs/claim":
        assert response.status_code == 422 and "NUL" in response.text, response.text[:300]
