"""Returns reach the back office: net in the reports, stock back (or the damaged bin),
idempotent, and a double return made on two offline kiosks is flagged.

GIVEN a sale synced from kiosk K01
WHEN its return documents arrive from K01 (and, for the same goods, from K02)
THEN the day report is net of the refunds, stock goes back only for restocked lines, a
     resent return doubles nothing, and the second return of the same units is flagged.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.reports.service import day_report
from kiosk.backoffice.returns.models import ReturnLineRow, ReturnRow
from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.domain.returns import plan_return
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY, make_sale
from tests.backoffice.helpers import post


def _event(seq: int, kind: str, payload: dict) -> dict:
    return {"seq": seq, "event_id": str(uuid.uuid4()), "kind": kind, "payload": payload}


def _return(sale: dict, chosen: dict, kiosk_id: str = "K01", no: int = 1, restock=True) -> dict:
    plan = plan_return(
        sale,
        chosen,
        return_id=str(uuid.uuid4()),
        reason="other",
        staff_id="S001",
        restock=restock,
    )
    refunds = [
        {
            "payment_id": f"ref-{no}",
            "original_payment_id": t.payment_id,
            "method": t.method,
            "amount": t.amount,
        }
        for t in plan.tenders
    ]
    return plan.to_document(
        kiosk_id=kiosk_id, return_no=no, completed_at=DAY + timedelta(hours=2), refunds=refunds
    )


def _stock(bo_db, sale: dict, on_hand: int = 10) -> None:
    with bo_db.transaction() as session:
        for line in sale["lines"]:
            session.merge(
                ProductRow(sku=line["sku"], name_ja=line["name_ja"], price=1, on_hand=on_hand)
            )


def _on_hand(bo_db, sku: str) -> int:
    with bo_db.reading() as session:
        pending_stock.settle(session)  # PostgreSQL: sales' takes wait until settled
        row = session.get(ProductRow, sku)
        return row.on_hand if row else 0


def test_function_a_return_is_net_in_the_reports_and_restocks(client, bo_db, kiosk_token, clock):
    sale = make_sale(1, DAY).to_document()  # onigiri/tea ×2 and soap, by some tender
    line = sale["lines"][0]
    _stock(bo_db, sale)
    post(client, kiosk_token, [_event(1, "sale", sale)])
    with bo_db.reading() as session:
        before = day_report(session, DAY.date())
    on_hand = _on_hand(bo_db, line["sku"])
    document = _return(sale, {line["line_id"]: 1})
    answer = post(client, kiosk_token, [_event(2, "return", document)]).json()
    assert answer["applied"] == 1
    refund = -document["total"]
    with bo_db.reading() as session:
        after = day_report(session, DAY.date())
        stored = session.get(ReturnRow, document["return_id"])
        assert stored is not None and stored.flag == "" and stored.total == -refund
    assert after.total == before.total - refund
    # counted as a return, not as one more sale (its money is net in every sum)
    assert (after.sales, after.returns) == (before.sales, before.returns + 1)
    assert [n for _, n, _ in after.by_kiosk] == [n for _, n, _ in before.by_kiosk]
    assert after.tax_total == before.tax_total + sum(r["tax_amount"] for r in document["rates"])
    assert dict((m, a) for m, _, a in after.by_payment)[sale["tenders"][0]["method"]] == (
        sale["total"] - refund
    )
    assert _on_hand(bo_db, line["sku"]) == on_hand + 1
    # the same return again (a re-imaged kiosk's outbox) doubles nothing
    post(client, kiosk_token, [_event(3, "return", document)])
    with bo_db.reading() as session:
        assert day_report(session, DAY.date()).total == after.total


def test_function_damaged_goods_stay_off_the_shelf(client, bo_db, kiosk_token):
    sale = make_sale(1, DAY).to_document()
    line = sale["lines"][0]
    _stock(bo_db, sale)
    post(client, kiosk_token, [_event(1, "sale", sale)])
    on_hand = _on_hand(bo_db, line["sku"])
    document = _return(sale, {line["line_id"]: 1}, restock=False)
    post(client, kiosk_token, [_event(2, "return", document)])
    assert _on_hand(bo_db, line["sku"]) == on_hand
    with bo_db.reading() as session:
        bin_ = session.scalars(select(ReturnLineRow).where(ReturnLineRow.restock.is_(False))).all()
        assert [(r.sku, r.units) for r in bin_] == [(line["sku"], 1)]


def test_function_a_double_return_on_two_offline_kiosks_is_flagged(
    client, bo_db, kiosk_token, clock, staff
):
    with bo_db.transaction() as session:
        other = enrol_kiosk(session, "K02", clock())
    sale = make_sale(1, DAY).to_document()
    soap = sale["lines"][-1]  # one soap: both kiosks, offline, took it back
    post(client, kiosk_token, [_event(1, "sale", sale)])
    post(client, kiosk_token, [_event(2, "return", _return(sale, {soap["line_id"]: 1}))])
    second = _return(sale, {soap["line_id"]: 1}, kiosk_id="K02", no=1)
    post(client, other, [_event(1, "return", second)])
    with bo_db.reading() as session:
        flagged = session.get(ReturnRow, second["return_id"])
        assert flagged.flag.startswith("double return: line")
        assert "K01" in flagged.flag and "K02" in flagged.flag
    sign_in(client, staff["attendant"])
    found = client.get("/api/v1/returns/sale", params={"kiosk_id": "K01", "receipt_no": 1}).json()
    assert found["sale_id"] == sale["sale_id"] and len(found["returns"]) == 2
    assert found["returnable"][str(soap["line_id"])] == -1
    found = client.get("/returns", params={"date": "2026-11-20", "total": str(sale["total"])})
    assert found.status_code == 200 and f"/returns?sale_id={sale['sale_id']}" in found.text
    page = client.get("/returns", params={"sale_id": sale["sale_id"]})
    assert page.status_code == 200 and "double return" in page.text and 'id="flagged"' in page.text


def test_function_the_returns_page_shows_one_sale_and_says_none_when_nothing_is_flagged(
    client, bo_db, kiosk_token, staff
):
    """GIVEN a synced sale and nothing flagged WHEN staff open it on the returns page
    THEN the heading names kiosk, receipt and time to the minute (the id on its own line),
    and "None なし" stands where an empty double-returns table would be."""
    sale = make_sale(1, DAY).to_document()
    post(client, kiosk_token, [_event(1, "sale", sale)])
    sign_in(client, staff["attendant"])
    page = client.get("/returns", params={"kiosk_id": "K01", "receipt_no": 1})
    assert page.status_code == 200
    assert "kiosk 端末 K01, receipt レシート 1, 2026-11-20 09:00</h2>" in page.text
    assert f'<p class="id">{sale["sale_id"]}</p>' in page.text
    assert '<p id="flagged" class="none">None なし</p>' in page.text
    assert '<a href="/returns">Returns 返品</a>' in page.text  # reachable from the navigation


def test_function_a_return_with_a_positive_refund_is_refused_at_the_door(client, kiosk_token):
    """GIVEN a kiosk sends a "return" whose line pays out a positive amount WHEN it arrives
    THEN the door refuses it (422 naming the event and field) and nothing is applied."""
    bad = {
        "sale_id": "r-bad",
        "return_id": "r-bad",
        "original_sale_id": "s-x",
        "completed_at": "2026-11-20T10:00:00",
        "total": -150,
        "lines": [{"original_line_id": 1, "sku": "4901234000018", "quantity": -1, "amount": 150}],
        "tenders": [],
        "rates": [],
    }
    answer = post(client, kiosk_token, [_event(1, "return", bad)])
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["event"]["kind"] == "return" and "amount" in body["field"], body


def test_function_a_return_of_a_sale_whose_lines_have_no_ids_is_flagged_not_a_500(
    client, bo_db, kiosk_token
):
    """GIVEN a sale whose lines carry no line_id (the door allows it) WHEN a return of its
    line 1 arrives THEN the batch is applied and the return flagged for staff: before, the
    over-return check raised KeyError, a 500 on every resend, and the kiosk's outbox stuck."""
    sale = make_sale(1, DAY).to_document()
    for line in sale["lines"]:
        del line["line_id"]
    first = sale["lines"][0]
    refund = {
        "sale_id": "r-1",
        "return_id": "r-1",
        "original_sale_id": sale["sale_id"],
        "completed_at": (DAY + timedelta(hours=1)).isoformat(),
        "total": -first["amount"],
        "lines": [
            {
                "original_line_id": 1,
                "sku": first["sku"],
                "quantity": -first["quantity"],
                "amount": -first["amount"],
            }
        ],
        "tenders": [{"method": "cash", "amount": -first["amount"]}],
        # a kiosk's return refunds its total on its rates (the door checks the sum)
        "rates": [{"tax": first["tax"], "gross": -first["amount"]}],
    }
    answer = post(client, kiosk_token, [_event(1, "sale", sale), _event(2, "return", refund)])
    assert answer.status_code == 200, answer.text
    assert answer.json()["applied"] == 2
    with bo_db.reading() as session:
        flag = session.get(ReturnRow, "r-1").flag
    assert "line 1" in flag and "of 0 sold" in flag
