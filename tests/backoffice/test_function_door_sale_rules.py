"""The door refuses a sale document no kiosk could make, and takes every one a kiosk makes.

GIVEN sale documents made by the kiosk itself (its runtime, plugins and payment simulators:
a coupon, member price and points tender, cash with change, a split tender, a training sale,
a tax-free sale, and the back-office factories' sales) WHEN posted THEN all are applied; a
tampered copy of one (a negative line, tenders that miss the total, a rate that is not its
lines) is a 422 naming the event and the field, and nothing of the batch is stored.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.models import SaleRow
from kiosk.domain.scan import Scan, Symbology
from plugins.conftest import (
    ONIGIRI,
    RICE,
    TEA,
    TOILET_PAPER,
    TUNA,
    coupon_qr,
    scan,
    settings,
)
from plugins.loyalty import loyalty_for
from plugins.tax_free import desk_for
from plugins.tax_free.tests.factories import visitor
from plugins.tax_free.tests.test_function_kiosk_flow import KIMONO, SCARF, SETTINGS
from plugins.tax_free.tests.test_function_kiosk_flow import TEA as TF_TEA
from plugins.tax_free.vjw import encode_vjw
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post
from tests.backoffice.kiosk_made import kiosk_runtime as _runtime
from tests.backoffice.kiosk_made import sent as _sent
from tests.backoffice.kiosk_made import tax_exclusive_coupon_sale


def _member(runtime, points: int) -> None:
    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment("ja").token, True)
    with runtime.unit_of_work() as uow:
        service.ledger.add(
            uow, enrolment.member.member_id, "earn", points, runtime.clock(), expires=True
        )
    runtime.member_id = None
    scan(runtime, enrolment.qr_payload)


def _shop(runtime) -> dict[str, dict]:
    made: dict[str, dict] = {}

    def done(name: str, sale) -> None:
        assert sale is not None, name
        made[name] = _sent(runtime, sale)
        runtime.finish()

    scan(runtime, coupon_qr("C100", "SN-0001"))
    scan(runtime, ONIGIRI)
    scan(runtime, TOILET_PAPER)
    done("coupon", runtime.pay("cash"))

    scan(runtime, TEA)
    runtime.begin_payment()
    runtime.method("cash").drawer.insert(runtime.amount_due + 1000)
    sale = runtime.pay("cash")
    assert sale.change == 1000 and sale.tenders[0].amount == sale.total
    done("cash-with-change", sale)

    scan(runtime, RICE)
    scan(runtime, TEA)
    other = next(m.id for m in runtime.payment_methods() if m.id not in ("cash", "points"))
    assert runtime.pay(other, 500) is None
    sale = runtime.pay("cash")
    assert len(sale.tenders) == 2
    done("split-tender", sale)

    _member(runtime, 500)
    scan(runtime, coupon_qr("C100", "SN-0002"))
    for code in (RICE, TEA, TOILET_PAPER, TUNA):  # tuna has a member price
        scan(runtime, code)
    assert runtime.pay("points", 300) is None
    sale = runtime.pay("cash")
    assert [t.method for t in sale.tenders] == ["points", "cash"] and sale.adjustments
    done("member-coupon-points", sale)

    done("tax-exclusive-coupon-change", tax_exclusive_coupon_sale(runtime, "SN-0003"))

    runtime.training = True
    scan(runtime, ONIGIRI)
    done("training", runtime.pay("cash"))
    runtime.training = False
    return made


def _tax_free(runtime) -> dict:
    runtime.store.upsert_products([KIMONO, TF_TEA, SCARF])
    for item in (KIMONO, TF_TEA, SCARF):
        runtime.catalogue.add(item)
    desk_for(runtime).start()
    scan_qr = runtime.handle_scan
    scan_qr(Scan(encode_vjw(visitor()), Symbology.QR, "camera"))
    for item in (KIMONO, TF_TEA):
        scan_qr(Scan(item.gtin, Symbology.EAN13, "camera"))
    sale = runtime.pay("cash")
    assert desk_for(runtime).recorder.store.by_sale(sale.sale_id) is not None
    document = _sent(runtime, sale)
    runtime.finish()
    return document


@pytest.fixture(scope="module")
def kiosk_documents(tmp_path_factory) -> dict[str, dict]:
    """Name → a sale document as a kiosk sends it."""
    documents = {f"factory-{n}": event(n, DAY)["payload"] for n in range(1, 7)}
    shop = _runtime(tmp_path_factory.mktemp("shop"), settings())
    try:
        documents.update(_shop(shop))
    finally:
        shop.shutdown()
    tax_free = _runtime(tmp_path_factory.mktemp("taxfree"), SETTINGS, datetime(2026, 11, 2, 14, 30))
    try:
        documents["tax-free"] = _tax_free(tax_free)
    finally:
        tax_free.shutdown()
    return documents


def _events(*documents: dict) -> list[dict]:
    return [
        {"seq": seq, "event_id": str(uuid.uuid4()), "kind": "sale", "payload": document}
        for seq, document in enumerate(documents, start=1)
    ]


def _stored(bo_db) -> tuple[int, int]:
    with bo_db.reading() as s:
        return s.scalar(select(func.count()).select_from(SaleRow)), s.get(KioskRow, "K01").last_seq


def test_function_every_document_a_kiosk_makes_is_applied(
    client, bo_db, kiosk_token, kiosk_documents
):
    names = list(kiosk_documents)
    response = post(client, kiosk_token, _events(*kiosk_documents.values()))
    assert response.status_code == 200, response.text
    assert response.json()["applied"] == len(names) == 13
    # the training sale is kept apart from the sales (out of the reports)
    assert _stored(bo_db) == (len(names) - 1, len(names))


def _negative_line(d: dict) -> None:
    d["lines"][0]["amount"] = -99_999


def _tenders_short(d: dict) -> None:
    d["tenders"][-1]["amount"] -= 1


def _tenders_over(d: dict) -> None:
    d["tenders"][0]["amount"] += 1000  # the change counted as paid


def _negative_tender(d: dict) -> None:
    d["tenders"].append({"method": "cash", "amount": -100})
    d["tenders"][0]["amount"] += 100


def _negative_change(d: dict) -> None:
    d["change"] = -1000


def _line_inflated(d: dict) -> None:
    d["lines"][0]["amount"] += 99_999  # the department report would count it


def _rate_moved(d: dict) -> None:
    # the total kept, but the gross moved between the rates: no longer the lines'
    d["rates"][0]["gross"] += 50
    d["rates"][1]["gross"] -= 50


def _tax_above_gross(d: dict) -> None:
    d["rates"][0]["tax_amount"] = d["rates"][0]["gross"] + 1


def _negative_tax(d: dict) -> None:
    d["rates"][0]["tax_amount"] = -10


def _line_rate_missing(d: dict) -> None:
    d["lines"][0]["tax"] = "zero"


@pytest.mark.parametrize(
    ("name", "tamper", "field"),
    [
        ("coupon", _negative_line, "payload.lines.0.amount"),
        ("factory-1", _tenders_short, "payload.tenders"),
        ("cash-with-change", _tenders_over, "payload.tenders"),
        ("split-tender", _negative_tender, "payload.tenders.2.amount"),
        ("cash-with-change", _negative_change, "payload.change"),
        ("member-coupon-points", _line_inflated, "payload.rates.0.gross"),
        ("member-coupon-points", _rate_moved, "payload.rates.0.gross"),
        ("tax-exclusive-coupon-change", _rate_moved, "payload.rates.0.gross"),
        ("tax-exclusive-coupon-change", _tenders_over, "payload.tenders"),
        ("tax-free", _tax_above_gross, "payload.rates.0.tax_amount"),
        ("coupon", _negative_tax, "payload.rates.0.tax_amount"),
        ("training", _line_rate_missing, "payload.lines.0.tax"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_function_a_tampered_kiosk_document_is_refused_naming_the_field(
    client, bo_db, kiosk_token, kiosk_documents, name, tamper, field
):
    """The tampered sale is the 2nd of a batch: the answer names it (the relay parks it, the
    kiosk keeps it) and nothing of the batch is stored."""
    document = copy.deepcopy(kiosk_documents[name])
    tamper(document)
    batch = _events(kiosk_documents["factory-1"], document)
    response = post(client, kiosk_token, batch)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["event"] == {"index": 1, "seq": 2, "kind": "sale"}
    assert body["field"] == field and field in body["detail"]
    assert _stored(bo_db) == (0, 0)
