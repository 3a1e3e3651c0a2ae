"""Inventory: receiving, counts and shrinkage (在庫ロス), reorder suggestions, slow movers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from kiosk.backoffice.core.errors import InvalidInput, NotFound
from kiosk.backoffice.inventory import service as inventory
from kiosk.backoffice.masterdata.models import ProductRow
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post
from tests.factories import ONIGIRI, SOAP


@pytest.fixture
def products(bo_db):
    with bo_db.transaction() as s:
        s.add(
            ProductRow(
                sku=ONIGIRI.sku,
                name_ja="おにぎり",
                price=150,
                cost=90,
                department="food",
                on_hand=0,
                reorder_point=10,
                reorder_qty=12,
            )
        )
        s.add(
            ProductRow(
                sku=SOAP.sku,
                name_ja="石けん",
                price=198,
                cost=100,
                department="household",
                on_hand=0,
            )
        )


def test_function_receive_sell_count_and_book_shrinkage(
    products, bo_db, clock, client, kiosk_token
):
    with bo_db.transaction() as s:
        inventory.receive(s, ONIGIRI.sku, 24, 95, clock(), "attendant")
    post(client, kiosk_token, [event(1, DAY, n=4)])  # 2 × ONIGIRI sold
    with bo_db.transaction() as s:
        assert inventory.stock_list(s)[0].on_hand == 22  # a reader settles pending takes
        lost = inventory.count(s, ONIGIRI.sku, 19, clock(), "attendant", "shelf count")
    assert lost == 3
    with bo_db.reading() as s:
        shrink = inventory.shrinkage(s, DAY.date(), DAY.date())
    assert [(x.sku, x.quantity, x.value) for x in shrink] == [(ONIGIRI.sku, 3, 3 * 95)]


def test_function_reorder_suggests_whole_units_above_the_point(products, bo_db, clock):
    with bo_db.transaction() as s:
        inventory.receive(s, ONIGIRI.sku, 4, None, clock(), "a")
        suggestions = inventory.reorder_suggestions(s)
    assert [(x.sku, x.on_hand, x.suggested) for x in suggestions] == [(ONIGIRI.sku, 4, 12)]


def test_function_slow_movers_are_stock_that_did_not_sell(
    products, bo_db, clock, client, kiosk_token
):
    with bo_db.transaction() as s:
        inventory.receive(s, ONIGIRI.sku, 10, None, clock(), "a")
        inventory.receive(s, SOAP.sku, 10, None, clock(), "a")
    post(client, kiosk_token, [event(1, DAY, n=4)])
    with bo_db.reading() as s:
        slow = inventory.slow_movers(s, DAY.date() + timedelta(days=1))
    assert [x.sku for x in slow] == [SOAP.sku]


def test_function_bad_stock_input_is_refused(products, bo_db, clock):
    with bo_db.transaction() as s:
        with pytest.raises(InvalidInput):
            inventory.receive(s, ONIGIRI.sku, 0, None, clock(), "a")
        with pytest.raises(NotFound):
            inventory.count(s, "NOPE", 1, clock(), "a")


def test_function_inventory_page_and_forms(products, client, staff):
    sign_in(client, staff["attendant"])
    assert (
        client.post(
            "/inventory/receive", data={"sku": SOAP.sku, "quantity": "5"}, follow_redirects=False
        ).status_code
        == 303
    )
    assert (
        client.post(
            "/inventory/count", data={"sku": SOAP.sku, "counted": "4"}, follow_redirects=False
        ).status_code
        == 303
    )
    page = client.get("/inventory").text
    assert "Shrinkage" in page and SOAP.sku in page
    assert (
        client.post(
            "/inventory/reorder", data={"sku": SOAP.sku, "point": "1", "qty": "6"}
        ).status_code
        == 403
    )  # manager only


def test_function_each_stock_form_is_a_line_of_its_own(products, client, staff):
    """GIVEN the inventory page WHEN it is drawn THEN receive, count and reorder are three
    block forms, each led by its name: inline, they ran together in one wrapped line and the
    Receive button sat beside the count form's SKU field (seen on a screenshot)."""
    sign_in(client, staff["attendant"])
    page = client.get("/inventory").text
    forms = re.findall(r"<form ([^>]*)>(.*?)</form>", page, re.S)
    stock = {re.search(r'action="([^"]+)"', attrs).group(1): (attrs, body) for attrs, body in forms}
    for action, label in (
        ("/inventory/receive", "Receive 入荷"),
        ("/inventory/count", "Count 棚卸"),
        ("/inventory/reorder", "Reorder point 発注点"),
    ):
        attrs, body = stock[action]
        assert "inline" not in attrs
        assert re.sub(r"<input type=\"hidden\"[^>]*>", "", body).lstrip().startswith(label)
