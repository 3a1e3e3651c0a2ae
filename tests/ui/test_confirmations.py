"""GIVEN a shopper with items in the basket WHEN they press × on a line, or "stop shopping"
THEN the kiosk asks first (naming the item; saying every item goes), "No" changes nothing,
"Yes" does it; stopping with items is journalled. Where the store wants staff to approve
removals, "stop shopping" offers to call staff instead.

Before: × removed the line at once, and "stop shopping" was greyed out with no reason.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.config import DEFAULT_CONFIG
from kiosk.store.models import JournalRow

pytestmark = pytest.mark.ui

ONIGIRI, TEA = "4901234000018", "4901234000148"


def row_button(kiosk, index: int, text: str):
    layout = kiosk.screen("shopping").ids.basket.children[0]
    rows = sorted((w for w in layout.children if w.get_root_window()), key=lambda w: -w.y)
    return next(b for b in rows[index].walk(restrict=True) if getattr(b, "text", "") == text)


def two_lines(kiosk) -> None:
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.type_burst(ONIGIRI)
    kiosk.type_burst(TEA)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 2, what="two lines")
    kiosk.settle()


def asked(kiosk) -> str:
    kiosk.wait(lambda: kiosk.root.confirm.parent is not None, what="the question")
    kiosk.settle()
    return kiosk.root.confirm.ids.question.text


def test_remove_asks_first_naming_the_item(kiosk) -> None:
    ctl = kiosk.ctl
    two_lines(kiosk)
    kiosk.tap(row_button(kiosk, 0, "×"))
    assert "おにぎり 鮭" in asked(kiosk)
    kiosk.tap(kiosk.root.confirm.ids.no)
    kiosk.settle()
    assert kiosk.root.confirm.parent is None and len(ctl.rows) == 2
    kiosk.tap(row_button(kiosk, 0, "×"))
    asked(kiosk)
    kiosk.tap(kiosk.root.confirm.ids.yes)
    kiosk.wait(lambda: len(ctl.rows) == 1, what="the line removed")
    assert ctl.rows[0]["name"] == "緑茶 500ml"
    # − on a quantity of 1 is a removal too: it asks the same way
    kiosk.settle()
    kiosk.tap(row_button(kiosk, 0, "−"))
    assert "緑茶 500ml" in asked(kiosk)
    kiosk.tap(kiosk.root.confirm.ids.no)
    kiosk.settle()
    assert len(ctl.rows) == 1


def test_stop_shopping_with_items_asks_then_cancels_and_journals(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    two_lines(kiosk)
    cancel = kiosk.widget("cancel", "shopping")
    assert not cancel.disabled
    kiosk.tap(cancel)
    assert "すべての商品" in asked(kiosk)
    kiosk.tap(kiosk.root.confirm.ids.no)
    kiosk.settle()
    assert ctl.screen == "shopping" and len(ctl.rows) == 2
    kiosk.tap(cancel)
    asked(kiosk)
    kiosk.tap(kiosk.root.confirm.ids.yes)
    kiosk.wait_screen("attract")
    assert runtime.store.sale_count() == 0
    with runtime.store.transaction() as session:
        kinds = list(session.scalars(select(JournalRow.kind)))
    assert "basket_cancelled" in kinds
    assert runtime.store.verify_journal().ok


def test_stop_shopping_needs_staff_where_removals_need_approval(kiosk_factory, tmp_path) -> None:
    config = tmp_path / "kiosk.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    config.write_text(
        text.replace("removal_needs_approval = false", "removal_needs_approval = true"),
        encoding="utf-8",
    )
    kiosk = kiosk_factory(config_file=config)
    two_lines(kiosk)
    kiosk.tap(kiosk.widget("cancel", "shopping"))
    assert "係員の承認" in asked(kiosk)
    kiosk.tap(kiosk.root.confirm.ids.yes)  # "call staff"
    kiosk.wait(lambda: kiosk.ctl.state == "needs_attendant", what="staff called")
    assert len(kiosk.ctl.rows) == 2  # nothing removed by the shopper alone
