"""The door refuses a return document no kiosk could make, and takes the ones a kiosk makes.

GIVEN return documents made by the kiosk itself (its return desk refunding real sales: a
split tender refunded last-paid first, over both tenders; a tax-exclusive (外税) coupon sale
with change, returned in two parts) WHEN posted after their sales THEN all are applied; a tampered copy (a
positive refund, refunds that miss the total, change, a rate discount, a rate above its
lines and their tax, tax outside 0..gross, a positive line) is a 422 naming the event and
the field, and nothing of the batch is stored.
"""

from __future__ import annotations

import copy
import uuid

import pytest
from sqlalchemy import func, select

from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.returns.models import ReturnRow
from kiosk.runtime.returns import ReturnDesk
from plugins.conftest import RICE, TEA, scan, settings
from tests.backoffice.helpers import post
from tests.backoffice.kiosk_made import kiosk_runtime, sent, tax_exclusive_coupon_sale
from tests.returns.desk import MANAGER


def _returned(runtime, sale, chosen: dict[int, int]) -> dict:
    """``chosen`` (line id → units) of ``sale`` returned at the kiosk's return desk."""
    desk = ReturnDesk(runtime)
    plan = desk.plan(sale, chosen, reason="changed_mind", staff=MANAGER)
    return copy.deepcopy(desk.make(plan).document)


@pytest.fixture(scope="module")
def kiosk_documents(tmp_path_factory) -> list[tuple[str, dict]]:
    """(kind, document) as a kiosk sends them: each sale, then its returns."""
    runtime = kiosk_runtime(tmp_path_factory.mktemp("shop"), settings())
    made: list[tuple[str, dict]] = []
    try:
        scan(runtime, RICE)
        scan(runtime, TEA)
        other = next(m.id for m in runtime.payment_methods() if m.id not in ("cash", "points"))
        assert runtime.pay(other, 500) is None
        split = sent(runtime, runtime.pay("cash"))
        runtime.finish()
        assert len(split["tenders"]) == 2
        made.append(("sale", split))
        first, second = (line["line_id"] for line in split["lines"][:2])
        made.append(("return", _returned(runtime, split, {first: 1})))
        made.append(("return", _returned(runtime, split, {second: 1})))

        exclusive = sent(runtime, tax_exclusive_coupon_sale(runtime, "SN-0009"))
        runtime.finish()
        made.append(("sale", exclusive))
        made.append(("return", _returned(runtime, exclusive, {2: 1})))  # one of the two
        rest = {line["line_id"]: 1 for line in exclusive["lines"] if line["line_id"] != 2}
        made.append(("return", _returned(runtime, exclusive, rest)))
    finally:
        runtime.shutdown()
    return made


def _events(documents: list[tuple[str, dict]]) -> list[dict]:
    return [
        {"seq": seq, "event_id": str(uuid.uuid4()), "kind": kind, "payload": document}
        for seq, (kind, document) in enumerate(documents, start=1)
    ]


def _stored(bo_db) -> tuple[int, int]:
    with bo_db.reading() as s:
        returns = s.scalar(select(func.count()).select_from(ReturnRow))
        kiosk = s.get(KioskRow, "K01")
        return returns, kiosk.last_seq


def test_function_every_return_a_kiosk_makes_is_applied(
    client, bo_db, kiosk_token, kiosk_documents
):
    returns = [d for kind, d in kiosk_documents if kind == "return"]
    # what the rules must allow: a refund over two tenders, 外税 lines whose rate refunds
    # their tax on top, two rates in one return
    assert len(returns[0]["tenders"]) == 2
    assert returns[2]["rates"][0]["gross"] < returns[2]["lines"][0]["amount"]
    assert len(returns[3]["rates"]) == 2
    response = post(client, kiosk_token, _events(kiosk_documents))
    assert response.status_code == 200, response.text
    assert response.json()["applied"] == len(kiosk_documents) == 6
    assert _stored(bo_db) == (len(returns), len(kiosk_documents))


def _refund_positive(d: dict) -> None:
    d["tenders"][0]["amount"] = -d["tenders"][0]["amount"]


def _refunds_short(d: dict) -> None:
    d["tenders"][-1]["amount"] += 1


def _refund_added(d: dict) -> None:
    d["tenders"][0]["amount"] -= 100
    d["tenders"].insert(0, {"method": "cash", "amount": 100})  # the total kept: money taken in


def _change(d: dict) -> None:
    d["change"] = 50


def _rate_discount(d: dict) -> None:
    d["rates"][0]["discount"] = -10


def _rate_above_its_lines(d: dict) -> None:
    # a refund inflated on its rate and total alike: more than the lines and their tax
    d["rates"][0]["gross"] -= 5000
    d["total"] -= 5000
    d["tenders"][0]["amount"] -= 5000


def _rate_positive(d: dict) -> None:
    # the total kept, one rate's refund turned into money taken in
    d["rates"][1]["gross"] += 2 * d["rates"][0]["gross"]
    d["rates"][0]["gross"] = -d["rates"][0]["gross"]


def _line_positive(d: dict) -> None:
    d["lines"][0]["amount"] = 500


def _tax_beyond_gross(d: dict) -> None:
    d["rates"][0]["tax_amount"] = d["rates"][0]["gross"] - 1


def _tax_positive(d: dict) -> None:
    d["rates"][0]["tax_amount"] = 10


def _line_rate_missing(d: dict) -> None:
    d["lines"][0]["tax"] = "zero"


def _total_not_the_rates(d: dict) -> None:
    d["total"] *= 1000


@pytest.mark.parametrize(
    ("index", "tamper", "field"),
    [
        (1, _refund_positive, "payload.tenders.0.amount"),
        (1, _refunds_short, "payload.tenders"),
        (2, _refund_added, "payload.tenders.0.amount"),
        (4, _change, "payload.change"),
        (5, _rate_discount, "payload.rates.0.discount"),
        (5, _rate_above_its_lines, "payload.rates.0.gross"),
        (5, _rate_positive, "payload.rates.0.gross"),
        (1, _line_positive, "payload.lines.0.amount"),
        (4, _tax_beyond_gross, "payload.rates.0.tax_amount"),
        (1, _tax_positive, "payload.rates.0.tax_amount"),
        (5, _line_rate_missing, "payload.lines.0.tax"),
        (2, _total_not_the_rates, "payload"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_function_a_tampered_kiosk_return_is_refused_naming_the_field(
    client, bo_db, kiosk_token, kiosk_documents, index, tamper, field
):
    """The tampered return follows its sale in one batch: the answer names it (the relay
    parks it, the kiosk keeps it) and nothing of the batch is stored."""
    kind, document = kiosk_documents[index]
    assert kind == "return"
    document = copy.deepcopy(document)
    tamper(document)
    sale = next(d for k, d in kiosk_documents if d["sale_id"] == document["original_sale_id"])
    response = post(client, kiosk_token, _events([("sale", sale), ("return", document)]))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["event"] == {"index": 1, "seq": 2, "kind": "return"}
    assert body["field"] == field and field in body["detail"]
    assert _stored(bo_db) == (0, 0)
