"""A coupon after a return (返品) follows its ``reinstate_on_return`` rule.

GIVEN a single-use coupon used on a sale
WHEN the sale's goods come back
THEN a ``whole_sale`` coupon is usable again only once every item is back, and a coupon
     with the default rule (``never``) stays used.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.runtime.returns import ReturnDesk
from kiosk.staff import Role, StaffAccount
from kiosk.store.models import JournalRow
from plugins.conftest import RICE, TEA, coupon_qr, scan
from plugins.coupons.rules import CouponTerms

STAFF = StaffAccount("S001", "係員", Role.ATTENDANT, "x")
USED = "This coupon has already been used."


def _sell_with_coupon(runtime, code: str) -> dict:
    scan(runtime, RICE)
    scan(runtime, TEA)
    assert "accepted" in scan(runtime, code).claim.text("en")
    sale = runtime.pay("cash")
    runtime.finish()
    return sale.to_document()


def _return(runtime, sale: dict, lines: list[dict]) -> None:
    desk = ReturnDesk(runtime)
    chosen = {line["line_id"]: line["quantity"] for line in lines}
    desk.make(desk.plan(sale, chosen, reason="changed_mind", staff=STAFF))


def _try_again(runtime, code: str) -> str:
    scan(runtime, RICE)
    message = scan(runtime, code).claim.text("en")
    runtime.cancel()
    return message


def test_a_whole_sale_coupon_is_usable_again_once_everything_is_back(kiosk):
    rule = {"scope": "basket", "amount_off": 100, "reinstate_on_return": "whole_sale"}
    runtime = kiosk(coupons={"definitions": {"C100": rule}})
    code = coupon_qr("C100", "BACK-1")
    sale = _sell_with_coupon(runtime, code)
    first, second = sale["lines"]
    _return(runtime, sale, [first])
    assert _try_again(runtime, code) == USED  # the tea is still out
    _return(runtime, sale, [second])
    assert "accepted" in _try_again(runtime, code)
    with runtime.store.transaction() as session:
        kinds = list(session.scalars(select(JournalRow.kind)))
    assert kinds.count("coupons_reinstated") == 1


def test_a_coupon_without_the_rule_stays_used(kiosk):
    runtime = kiosk()
    code = coupon_qr("C100", "BACK-2")
    sale = _sell_with_coupon(runtime, code)
    _return(runtime, sale, sale["lines"])
    assert _try_again(runtime, code) == USED


def test_an_unknown_rule_is_refused_naming_the_coupon():
    with pytest.raises(ValueError, match="coupon C9: reinstate_on_return"):
        CouponTerms.from_mapping("C9", {"amount_off": 10, "reinstate_on_return": "sometimes"})


def test_a_reinstatement_goes_out_with_its_journal_entry_and_frees_the_coupon_elsewhere(kiosk):
    """GIVEN a whole-sale coupon used at A, known at B through the feed WHEN all of A's sale
    comes back THEN A's outbox carries the reinstatement (with the journal entry, one
    transaction), and the feed's ``coupon_reinstated`` entry makes B accept the coupon; a
    page with the use and its reinstatement, in that order, leaves it usable too."""
    from plugins.coupons import coupons_for

    rule = {"scope": "basket", "amount_off": 100, "reinstate_on_return": "whole_sale"}
    a = kiosk("a", kiosk_id="K01", coupons={"definitions": {"C100": rule}})
    b = kiosk("b", kiosk_id="K02", coupons={"definitions": {"C100": rule}})
    code = coupon_qr("C100", "BACK-3")
    sale = _sell_with_coupon(a, code)
    use = {"coupon_id": "C100:BACK-3", "sale_id": sale["sale_id"], "kiosk_id": "K01"}
    coupons_for(b).apply_feed([{"seq": 1, "kind": "coupon_used", "payload": use}])
    assert _try_again(b, code) == USED

    _return(a, sale, sale["lines"])
    [row] = [r for r in a.store.unsent_outbox() if r.kind == "coupons_reinstated"]
    assert row.payload["coupons"] == ["C100:BACK-3"] and row.payload["kiosk_id"] == "K01"
    assert row.aggregate_id == sale["sale_id"]
    reinstated = {**use, "return_id": row.payload["return_id"]}
    coupons_for(b).apply_feed([{"seq": 2, "kind": "coupon_reinstated", "payload": reinstated}])
    assert "accepted" in _try_again(b, code)

    c = kiosk("c", kiosk_id="K03", coupons={"definitions": {"C100": rule}})
    coupons_for(c).apply_feed(
        [
            {"seq": 1, "kind": "coupon_used", "payload": use},
            {"seq": 2, "kind": "coupon_reinstated", "payload": reinstated},
            {"seq": 3, "kind": "coupon_used", "payload": {"coupon_id": "C100:GONE"}},  # no sale
        ]
    )
    assert "accepted" in _try_again(c, code)


def _two_kiosks(kiosk):
    """Kiosks K01 and K02 whose coupon C100 is usable again once its whole sale is back."""
    rule = {"scope": "basket", "amount_off": 100, "reinstate_on_return": "whole_sale"}
    return tuple(
        kiosk(name, kiosk_id=kiosk_id, coupons={"definitions": {"C100": rule}})
        for name, kiosk_id in (("a", "K01"), ("b", "K02"))
    )


def _return_elsewhere(runtime, sale: dict, lines: list[dict], earlier: tuple = ()) -> dict:
    """Return ``lines`` of another kiosk's ``sale`` at ``runtime``, as found through the back
    office (which knew the returns ``earlier``)."""
    from kiosk.runtime.returns import KioskReturns

    def fetch(_config, kiosk_id, receipt_no, day=None):
        assert (kiosk_id, receipt_no) == (sale["kiosk_id"], sale["receipt_no"])
        return sale, list(earlier)

    flow = KioskReturns(runtime, fetch=fetch)
    found = flow.find_in_store(sale["receipt_no"], sale["kiosk_id"])
    assert not found.local
    chosen = {line["line_id"]: line["quantity"] for line in lines}
    return flow.make(found, flow.plan(found, chosen, "changed_mind", STAFF)).document


def test_a_sale_returned_at_another_kiosk_reinstates_its_whole_sale_coupon_there(kiosk):
    """GIVEN a whole-sale coupon used at A WHEN B takes back part of A's sale THEN nothing is
    reinstated; WHEN B takes back the rest (B's earlier return counted with the back
    office's) THEN B's outbox carries the coupon named in A's sale document, once, and B
    accepts it at once; outside a return B cannot see A's sale."""
    a, b = _two_kiosks(kiosk)
    code = coupon_qr("C100", "AWAY-1")
    sale = _sell_with_coupon(a, code)
    first, second = sale["lines"]
    _return_elsewhere(b, sale, [first])
    assert not [r for r in b.store.unsent_outbox() if r.kind == "coupons_reinstated"]
    document = _return_elsewhere(b, sale, [second])
    [row] = [r for r in b.store.unsent_outbox() if r.kind == "coupons_reinstated"]
    assert row.payload == {
        "return_id": document["return_id"],
        "sale_id": sale["sale_id"],
        "kiosk_id": "K02",
        "coupons": ["C100:AWAY-1"],
    }
    assert row.aggregate_id == sale["sale_id"]
    with b.returning_foreign_sale(sale, ()):  # the hook again (a replay): nothing twice
        b.host.call("kiosk_return_completed", document=document)
    with b.store.transaction() as session:
        kinds = list(session.scalars(select(JournalRow.kind)))
    assert kinds.count("coupons_reinstated") == 1
    assert b.sale_and_returns(sale["sale_id"])[0] is None
    assert "accepted" in _try_again(b, code)


def test_another_kiosks_sale_already_partly_returned_there_counts_those_returns(kiosk):
    a, b = _two_kiosks(kiosk)
    sale = _sell_with_coupon(a, coupon_qr("C100", "AWAY-2"))
    first, second = sale["lines"]
    _return(a, sale, [first])
    [earlier] = a.sale_and_returns(sale["sale_id"])[1]
    _return_elsewhere(b, sale, [second], earlier=(earlier,))
    [row] = [r for r in b.store.unsent_outbox() if r.kind == "coupons_reinstated"]
    assert row.payload["coupons"] == ["C100:AWAY-2"]


def test_a_training_sale_returned_at_another_kiosk_sends_nothing(kiosk):
    a, b = _two_kiosks(kiosk)
    sale = _sell_with_coupon(a, coupon_qr("C100", "AWAY-3")) | {"training": True}
    document = _return_elsewhere(b, sale, sale["lines"])
    assert document["training"] is True
    assert not [r for r in b.store.unsent_outbox() if r.kind == "coupons_reinstated"]
