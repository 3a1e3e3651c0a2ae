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
