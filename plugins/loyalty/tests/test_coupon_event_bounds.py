"""The coupon events (``coupons``, ``coupons_reinstated``): the door and the handlers bound
their ids alike.

GIVEN the back office's door (each event's schema) and its handler
WHEN a sale id, a return id or a coupon id is at the kiosk's longest, or one character over
THEN both take the first and both refuse the second: nothing passes the door only to be
set aside by the handler as malformed (the bounds were 64/200 at the door, 36/80 behind it,
for both kinds).
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from plugins.loyalty.backoffice import loyalty_sync
from plugins.loyalty.backoffice.coupon_schemas import (
    COUPON_ID_CHARS,
    SALE_ID_CHARS,
    CouponsReinstated,
    CouponsUsed,
)


def event(sale_id: str = "s" * 36, coupon: str = "C100:A-1", return_id: str = "r" * 36) -> dict:
    return {"return_id": return_id, "sale_id": sale_id, "kiosk_id": "K01", "coupons": [coupon]}


#: each coupon event's door schema and the ids (besides its coupons) its handler reads:
#: coupons_consumed and coupons_reinstated in plugins/loyalty/backoffice/loyalty_sync.py
KINDS = {
    "coupons_reinstated": (CouponsReinstated, ("sale_id", "return_id")),
    "coupons": (CouponsUsed, ("sale_id",)),
}


def door_takes(payload: dict, kind: str = "coupons_reinstated") -> bool:
    try:
        KINDS[kind][0].model_validate(payload)
    except ValidationError:
        return False
    return True


def handler_takes(payload: dict, kind: str = "coupons_reinstated") -> bool:
    try:
        for name in KINDS[kind][1]:
            loyalty_sync._text(payload, name, SALE_ID_CHARS)
        loyalty_sync._coupon_ids(payload)
    except loyalty_sync.Malformed:
        return False
    return True


@pytest.mark.parametrize("extra", [0, 1])
@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("coupons_reinstated", "sale_id"),
        ("coupons_reinstated", "return_id"),
        ("coupons_reinstated", "coupon"),
        ("coupons", "sale_id"),
        ("coupons", "coupon"),
    ],
)
def test_the_door_and_the_handler_take_and_refuse_the_same_ids(kind: str, field: str, extra: int):
    longest = SALE_ID_CHARS if field != "coupon" else COUPON_ID_CHARS
    payload = event(**{field: "x" * (longest + extra)})
    if kind == "coupons":
        del payload["return_id"]
    assert door_takes(payload, kind) is handler_takes(payload, kind) is (extra == 0)


def test_the_bounds_are_the_kiosks_columns():
    """The kiosk keeps coupon ids in 80 characters and sale ids (UUIDs) in 36."""
    from plugins.coupons import tables

    assert tables.uses.c.coupon_id.type.length == COUPON_ID_CHARS
    assert tables.uses.c.sale_id.type.length == SALE_ID_CHARS
