"""Another kiosk's sale for a return: the kiosk-authenticated look-up and its door checks.

GIVEN a sale of kiosk K01 and a return of one of its lines, synced to the back office
WHEN kiosk K02 asks for that sale (its own token) to return more of it
THEN it gets the sale's document, the returns made so far (so it counts them) and the units
     still returnable, which pass the kiosk's own door check; a missing token, a bad receipt
     number and an unknown sale are refused with their status, and a malformed answer is
     refused by the kiosk naming the field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.domain.returns import plan_return
from kiosk.runtime.return_lookup import (
    LOOKUP_PATH,
    BadAnswer,
    RemoteSaleNotFound,
    fetch_sale,
    parse_answer,
)
from tests.backoffice.factories import DAY, make_sale
from tests.backoffice.helpers import post


@dataclass
class KioskConfig:
    backoffice_url: str
    backoffice_token: str


def _event(seq: int, kind: str, payload: dict) -> dict:
    return {"seq": seq, "event_id": str(uuid.uuid4()), "kind": kind, "payload": payload}


def _return(sale: dict, chosen: dict) -> dict:
    plan = plan_return(sale, chosen, return_id=str(uuid.uuid4()), reason="other", staff_id="S1")
    refunds = [
        {
            "payment_id": "ref-1",
            "original_payment_id": t.payment_id,
            "method": t.method,
            "amount": t.amount,
        }
        for t in plan.tenders
    ]
    return plan.to_document(
        kiosk_id="K01", return_no=1, completed_at=DAY + timedelta(hours=1), refunds=refunds
    )


@pytest.fixture
def synced(client, bo_db, kiosk_token, clock):
    sale = make_sale(1, DAY).to_document()
    first = sale["lines"][0]
    document = _return(sale, {first["line_id"]: 1})
    post(client, kiosk_token, [_event(1, "sale", sale), _event(2, "return", document)])
    with bo_db.transaction() as session:
        other = enrol_kiosk(session, "K02", clock())
    return sale, document, other


def test_function_another_kiosk_gets_the_sale_and_its_returns(client, synced):
    sale, document, token = synced
    answer = client.get(
        LOOKUP_PATH,
        params={"kiosk_id": "K01", "receipt_no": sale["receipt_no"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    checked = parse_answer(answer.json())  # the kiosk's door lets it in
    assert checked.sale.sale_id == sale["sale_id"]
    assert [r.return_id for r in checked.returns] == [document["return_id"]]
    first = sale["lines"][0]
    sold = first["quantity"]
    assert checked.returnable[str(first["line_id"])] == sold - 1
    # the kiosk's own client: the same answer as documents
    found, returns = fetch_sale(KioskConfig("http://bo", token), "K01", sale["receipt_no"], client)
    assert found["sale_id"] == sale["sale_id"] and returns[0]["return_id"] == document["return_id"]


def test_function_the_look_up_is_refused_without_a_token_or_with_bad_input(client, synced):
    sale, _document, token = synced
    params = {"kiosk_id": "K01", "receipt_no": sale["receipt_no"]}
    assert client.get(LOOKUP_PATH, params=params).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    for bad in ("-1", "12a", "99999999999", "１２"):
        refused = client.get(LOOKUP_PATH, params={**params, "receipt_no": bad}, headers=bearer)
        assert refused.status_code == 422, (bad, refused.text)
    long_id = client.get(LOOKUP_PATH, params={**params, "kiosk_id": "K" * 40}, headers=bearer)
    assert long_id.status_code == 422
    missing = client.get(LOOKUP_PATH, params={**params, "receipt_no": 999}, headers=bearer)
    assert missing.status_code == 404
    with pytest.raises(RemoteSaleNotFound):
        fetch_sale(KioskConfig("http://bo", token), "K01", 999, client)


def test_function_a_malformed_answer_is_refused_at_the_kiosks_door(synced):
    sale, document, _token = synced
    good = {"sale": sale, "returns": [document], "returnable": {}}
    parse_answer(good)
    cases = {
        "sale.total": {**good, "sale": {**sale, "total": -5}},  # a return is not a sale
        "sale.lines": {**good, "sale": {k: v for k, v in sale.items() if k != "lines"}},
        "returns.0.lines.0.amount": {
            **good,
            "returns": [{**document, "lines": [{**document["lines"][0], "amount": 10}]}],
        },
    }
    for field, body in cases.items():
        with pytest.raises(BadAnswer, match=field.replace(".", r"\.")):
            parse_answer(body)
    other = {**document, "original_sale_id": str(uuid.uuid4())}
    with pytest.raises(BadAnswer, match="another sale"):
        parse_answer({**good, "returns": [other]})


def test_function_a_typed_receipt_number_alone_lists_the_kiosks_that_have_it(client, synced, clock):
    """GIVEN receipt 1 on K01 (the synced sale) and on K02 a day later WHEN a kiosk asks with
    the number alone THEN it gets both as checked candidates (newest first); the kiosk or
    the date narrows it to one sale; a bad date is refused."""
    from kiosk.runtime.return_lookup import SeveralSales

    sale, _document, token = synced
    later = make_sale(1, DAY + timedelta(days=1), kiosk_id="K02").to_document()
    assert post(client, token, [_event(1, "sale", later)]).status_code == 200
    config = KioskConfig("http://bo", token)
    with pytest.raises(SeveralSales) as several:
        fetch_sale(config, "", 1, client)
    assert [(c.kiosk_id, c.receipt_no) for c in several.value.candidates] == [
        ("K02", 1),
        ("K01", 1),
    ]
    found, returns = fetch_sale(config, "K02", 1, client)
    assert found["sale_id"] == later["sale_id"] and returns == []
    found, returns = fetch_sale(config, "", 1, client, day=DAY.date())
    assert found["sale_id"] == sale["sale_id"] and len(returns) == 1
    with pytest.raises(RemoteSaleNotFound):
        fetch_sale(config, "", 1, client, day=(DAY - timedelta(days=3)).date())
    bearer = {"Authorization": f"Bearer {token}"}
    refused = client.get(LOOKUP_PATH, params={"receipt_no": 1, "date": "20/11"}, headers=bearer)
    assert refused.status_code == 422


def test_function_malformed_candidates_are_refused_at_the_kiosks_door():
    from kiosk.runtime.return_lookup import parse_candidates

    good = {"kiosk_id": "K01", "receipt_no": 1, "completed_at": "2026-11-20T09:00:00", "total": 5}
    assert len(parse_candidates({"candidates": [good, {**good, "kiosk_id": "K02"}]})) == 2
    with pytest.raises(BadAnswer, match=r"candidates\.1\.total"):
        parse_candidates({"candidates": [good, {**good, "total": -1}]})
    with pytest.raises(BadAnswer, match="candidates"):
        parse_candidates({"candidates": [good]})  # one is not "several"


def test_function_a_kiosk_of_another_store_cannot_read_the_sale(client, synced, bo_db, clock):
    """GIVEN K01's sale in store S01 WHEN a kiosk enrolled in store S02 asks for it (by kiosk
    and receipt, or by the receipt alone) THEN it is answered as not found: one store's
    sales (members, tenders) are never shown to another store's kiosks."""
    sale, _document, _token = synced
    with bo_db.transaction() as session:
        elsewhere = enrol_kiosk(session, "K90", clock(), store_id="S02")
    bearer = {"Authorization": f"Bearer {elsewhere}"}
    for params in ({"kiosk_id": "K01", "receipt_no": sale["receipt_no"]}, {"receipt_no": 1}):
        answer = client.get(LOOKUP_PATH, params=params, headers=bearer)
        assert answer.status_code == 404, answer.text
        assert sale["sale_id"] not in answer.text
