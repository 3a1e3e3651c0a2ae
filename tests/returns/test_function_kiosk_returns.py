"""The kiosk's return flow (the return screen's runtime calls), on a real kiosk runtime.

GIVEN a kiosk paying by card against a terminal simulator, with a simulated cash changer
WHEN staff find a sale by its receipt's SR1 code or receipt number, or another kiosk's sale
     through the back office, and return lines of it
THEN this kiosk's sale is refunded to its card, another kiosk's in cash here, what other
     kiosks already took back counts, offline only local sales are found (saying why), and
     the return receipt is printed (or saved) with the original sale's code as a QR code.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from kiosk.domain.returns import OverReturn
from kiosk.domain.sale_reference import InvalidSaleReference, reference_for
from kiosk.runtime.return_lookup import BackOfficeUnreachable, NoBackOffice
from kiosk.runtime.returns import RETURN_RECEIPT_FILE, KioskReturns, OnlyLocalSales
from kiosk.staff import NotAllowed, WrongPin
from kiosk.store.returns import SaleNotFound
from tests.returns.desk import ATTENDANT, ONIGIRI, SOAP, TEA, card_sale


def code_of(sale: dict) -> str:
    when = datetime.fromisoformat(sale["completed_at"])
    return reference_for(sale["kiosk_id"], when, sale["receipt_no"], sale["sale_id"])


def other_kiosks_sale(sale: dict) -> dict:
    """``sale`` as if kiosk K99 had made it (its payments are in K99's ledger, not here)."""
    tenders = [{**t, "payment_id": str(uuid.uuid4())} for t in sale["tenders"]]
    return {**sale, "sale_id": str(uuid.uuid4()), "kiosk_id": "K99", "tenders": tenders}


def test_a_sale_is_found_by_its_receipt_code_or_number(runtime):
    sale = card_sale(runtime, ONIGIRI, TEA)
    flow = KioskReturns(runtime)
    by_code = flow.find(code_of(sale))
    assert by_code.local and by_code.sale["sale_id"] == sale["sale_id"]
    assert flow.find(str(sale["receipt_no"])).sale["sale_id"] == sale["sale_id"]
    assert flow.returnable(by_code) == {line["line_id"]: 1 for line in sale["lines"]}
    # a code whose sale id part is another sale's: not this sale
    wrong = reference_for(
        sale["kiosk_id"], datetime.fromisoformat(sale["completed_at"]), sale["receipt_no"], "f" * 8
    )
    with pytest.raises(SaleNotFound):
        flow.find(wrong)
    with pytest.raises(InvalidSaleReference):
        flow.find(code_of(sale)[:-1] + ("0" if code_of(sale)[-1] != "0" else "1"))
    with pytest.raises(SaleNotFound):
        flow.find("4901234000018")  # a product's barcode is not a receipt
    assert [s["sale_id"] for s in flow.search(sale["total"])] == [sale["sale_id"]]


def test_staff_sign_in_with_the_returns_role(runtime):
    flow = KioskReturns(runtime)
    assert flow.sign_in("S001", "1234").staff_id == "S001"
    with pytest.raises(WrongPin):
        flow.sign_in("S001", "0000")
    with pytest.raises(NotAllowed):
        flow.approve("S001", "1234")  # an attendant cannot approve above the limit
    assert flow.approve("M001", "9999").staff_id == "M001"


def test_a_local_return_refunds_the_card_and_prints_the_return_receipt(runtime, terminal):
    sale = card_sale(runtime, ONIGIRI, TEA, SOAP)
    flow = KioskReturns(runtime)
    found = flow.find(code_of(sale))
    line_id = sale["lines"][1]["line_id"]
    paid = {a["line_id"]: a["paid"] for a in sale["allocation"]}
    assert flow.preview(found, {line_id: 1}, "changed_mind") == paid[line_id]
    plan = flow.plan(found, {line_id: 1}, "changed_mind", ATTENDANT)
    result = flow.make(found, plan)
    assert [t["method"] for t in result.document["tenders"]] == ["card"]
    assert len(terminal.refunds) == 1
    assert flow.returnable(flow.find(code_of(sale)))[line_id] == 0
    # no printer on this kiosk: the receipt is saved where staff can print it from
    assert flow.print_receipt(result.document) == "saved"
    text = (runtime.config.data_dir / RETURN_RECEIPT_FILE).read_text(encoding="utf-8")
    assert "適格返還請求書" in text
    assert f"[QR] {code_of(sale)}" in text  # the original sale's code, as a QR code


def test_another_kiosks_sale_is_refunded_in_cash_and_its_returns_count(runtime, terminal):
    sale = other_kiosks_sale(card_sale(runtime, ONIGIRI, TEA))
    line_a, line_b = (line["line_id"] for line in sale["lines"])
    paid = {a["line_id"]: a["paid"] for a in sale["allocation"]}
    earlier = {  # K98 took line A back already (the back office has that return)
        "return_id": str(uuid.uuid4()),
        "original_sale_id": sale["sale_id"],
        "lines": [{"original_line_id": line_a, "quantity": -1, "amount": -paid[line_a]}],
        "rates": [],
        "tenders": [
            {
                "original_payment_id": sale["tenders"][0]["payment_id"],
                "method": "cash",
                "amount": -paid[line_a],
            }
        ],
    }
    asked = []

    def fetch(config, kiosk_id, receipt_no, day=None):
        asked.append((kiosk_id, receipt_no))
        return sale, [earlier]

    flow = KioskReturns(runtime, fetch=fetch)
    found = flow.find(code_of(sale))
    assert asked == [("K99", sale["receipt_no"])]
    assert not found.local
    assert flow.returnable(found) == {line_a: 0, line_b: 1}
    with pytest.raises(OverReturn):
        flow.plan(found, {line_a: 1}, "changed_mind", ATTENDANT)
    refunds_before = len(terminal.refunds)
    result = flow.make(found, flow.plan(found, {line_b: 1}, "changed_mind", ATTENDANT))
    document = result.document
    assert document["original_kiosk_id"] == "K99"
    assert [(t["method"], t["amount"]) for t in document["tenders"]] == [("cash", -paid[line_b])]
    assert document["tenders"][0]["original_payment_id"] == sale["tenders"][0]["payment_id"]
    assert len(terminal.refunds) == refunds_before  # nothing sent to this kiosk's terminal
    # this kiosk's own return of the line now counts too (before the back office has it)
    assert flow.returnable(flow.find(code_of(sale))) == {line_a: 0, line_b: 0}


@pytest.mark.parametrize(
    ("error", "why"),
    [(BackOfficeUnreachable("timed out"), "offline"), (NoBackOffice("none"), "no_backoffice")],
)
def test_offline_only_this_kiosks_sales_are_found(runtime, error, why):
    sale = other_kiosks_sale(card_sale(runtime, ONIGIRI))

    def fetch(config, kiosk_id, receipt_no, day=None):
        raise error

    flow = KioskReturns(runtime, fetch=fetch)
    with pytest.raises(OnlyLocalSales) as raised:
        flow.find(code_of(sale))
    assert raised.value.why == why
    own = card_sale(runtime, TEA)
    assert flow.find(code_of(own)).local  # this kiosk's own sale still is


def test_a_receipt_number_typed_finds_another_kiosks_sale_through_the_back_office(runtime):
    """GIVEN only the receipt number (the code is lost) THEN the back office is asked with
    no kiosk, then with the kiosk staff chose; several matches come back as candidates; this
    kiosk's own number chosen is found locally; offline the reason says to scan or use the
    back office."""
    from kiosk.runtime.return_lookup import Candidate, SeveralSales

    sale = other_kiosks_sale(card_sale(runtime, ONIGIRI, TEA))
    own = card_sale(runtime, SOAP)
    candidates = [
        Candidate(
            kiosk_id="K99",
            receipt_no=sale["receipt_no"],
            completed_at="2026-12-06T10:00:00",
            total=1,
        ),
        Candidate(
            kiosk_id="K98",
            receipt_no=sale["receipt_no"],
            completed_at="2026-12-05T10:00:00",
            total=2,
        ),
    ]
    asked = []

    def fetch(config, kiosk_id, receipt_no, day=None):
        asked.append((kiosk_id, receipt_no, day))
        if not kiosk_id:
            raise SeveralSales(candidates)
        return sale, []

    flow = KioskReturns(runtime, fetch=fetch)
    with pytest.raises(SeveralSales) as several:
        flow.find_in_store(sale["receipt_no"])
    assert [c.kiosk_id for c in several.value.candidates] == ["K99", "K98"]
    found = flow.find_in_store(sale["receipt_no"], "K99")
    assert asked == [("", sale["receipt_no"], None), ("K99", sale["receipt_no"], None)]
    assert found.sale["sale_id"] == sale["sale_id"] and not found.local
    mine = flow.find_in_store(own["receipt_no"], runtime.config.kiosk_id)
    assert mine.local and mine.sale["sale_id"] == own["sale_id"]
    # found here; the back office only asked for its returns elsewhere (it answered with
    # another sale under that number: nothing of it counts)
    assert asked[2:] == [(runtime.config.kiosk_id, own["receipt_no"], None)]
    assert mine.elsewhere == ()

    def offline(config, kiosk_id, receipt_no, day=None):
        raise BackOfficeUnreachable("timed out")

    with pytest.raises(OnlyLocalSales) as raised:
        KioskReturns(runtime, fetch=offline).find_in_store(sale["receipt_no"])
    assert raised.value.why == "receipt_offline"


def returned_at_k98(sale: dict, line_id: int, paid: int) -> dict:
    """The return document of ``line_id`` of ``sale`` that kiosk K98 made (cash refund)."""
    return {
        "return_id": str(uuid.uuid4()),
        "original_sale_id": sale["sale_id"],
        "kiosk_id": "K98",
        "lines": [{"original_line_id": line_id, "quantity": -1, "amount": -paid}],
        "rates": [],
        "tenders": [{"method": "cash", "amount": -paid}],
    }


def test_this_kiosks_sale_counts_what_another_kiosk_took_back(runtime, terminal):
    """GIVEN this kiosk's sale of which kiosk K98 already took line A back (the back office
    has that return) WHEN staff here find the sale THEN line A is not returnable again — a
    second refund of it is refused before any money moves; offline only this kiosk's own
    returns count (the back office flags a double return made so)."""
    sale = card_sale(runtime, ONIGIRI, TEA)
    line_a, line_b = (line["line_id"] for line in sale["lines"])
    paid = {a["line_id"]: a["paid"] for a in sale["allocation"]}
    at_k98 = returned_at_k98(sale, line_a, paid[line_a])
    asked = []

    def fetch(config, kiosk_id, receipt_no, day=None):
        asked.append((kiosk_id, receipt_no))
        return sale, [at_k98]

    flow = KioskReturns(runtime, fetch=fetch)
    found = flow.find(code_of(sale))
    assert found.local and asked == [(runtime.config.kiosk_id, sale["receipt_no"])]
    assert flow.returnable(found) == {line_a: 0, line_b: 1}
    refunds_before = len(terminal.refunds)
    with pytest.raises(OverReturn):
        flow.plan(found, {line_a: 1}, "changed_mind", ATTENDANT)
    assert len(terminal.refunds) == refunds_before
    # by receipt number too
    assert flow.returnable(flow.find(str(sale["receipt_no"]))) == {line_a: 0, line_b: 1}

    def offline(config, kiosk_id, receipt_no, day=None):
        raise BackOfficeUnreachable("timed out")

    alone = KioskReturns(runtime, fetch=offline).find(code_of(sale))
    assert alone.local and alone.elsewhere == ()
    assert KioskReturns(runtime, fetch=offline).returnable(alone) == {line_a: 1, line_b: 1}


def test_plugins_see_the_returns_other_kiosks_made_of_this_kiosks_sale(runtime, terminal):
    """GIVEN this kiosk's sale of which K98 took line A back WHEN line B is returned here
    THEN a plugin following the return (``kiosk_return_completed``) sees both returns through
    ``runtime.sale_and_returns``: the whole sale is back (a whole-sale coupon is freed)."""
    from kiosk.domain.returns import returnable, returned_so_far
    from kiosk.hookspecs import hookimpl

    sale = card_sale(runtime, ONIGIRI, TEA)
    line_a, line_b = (line["line_id"] for line in sale["lines"])
    paid = {a["line_id"]: a["paid"] for a in sale["allocation"]}
    at_k98 = returned_at_k98(sale, line_a, paid[line_a])
    seen = []

    class Follower:
        @hookimpl
        def kiosk_return_completed(self, document):
            original, returns = runtime.sale_and_returns(document["original_sale_id"])
            left = returnable(original, returned_so_far(returns, original["sale_id"]))
            seen.append(dict(left))

    runtime.host.register(Follower(), name="follower")
    flow = KioskReturns(
        runtime, fetch=lambda config, kiosk_id, receipt_no, day=None: (sale, [at_k98])
    )
    found = flow.find(code_of(sale))
    flow.make(found, flow.plan(found, {line_b: 1}, "changed_mind", ATTENDANT))
    assert seen == [{line_a: 0, line_b: 0}]
    # outside the return, the sale's returns are this kiosk's own again
    _, returns = runtime.sale_and_returns(sale["sale_id"])
    assert at_k98["return_id"] not in {r["return_id"] for r in returns}
