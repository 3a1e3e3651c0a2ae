"""GIVEN a basket on the shopping screen WHEN items are scanned or changed THEN only the
rows that changed are touched, hidden screens wait until shown, and large text keeps the
item names readable."""

from __future__ import annotations

import pytest
from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp

from kiosk.domain.scan import Scan, Symbology

pytestmark = pytest.mark.ui

ITEMS = ("4901234000018", "4901234000148", "4901234000377", "4901234000285")


def row_widgets(kiosk) -> dict[int, object]:
    """line_id → the BasketRow widget showing it now."""
    adapter = kiosk.screen("shopping").ids.basket.view_adapter
    return {view.line_id: view for view in adapter.views.values()}


def scan_all(kiosk, codes) -> None:
    for code in codes:
        kiosk.type_burst(code)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == len(codes), what=f"{len(codes)} lines")
    kiosk.settle()


def test_a_new_line_leaves_the_other_rows_alone(kiosk) -> None:
    scan_all(kiosk, ITEMS[:3])
    before = row_widgets(kiosk)
    rows_before = list(kiosk.ctl.rows)
    assert len(before) == 3
    kiosk.type_burst(ITEMS[3])
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 4, what="a fourth line")
    kiosk.settle()
    after = row_widgets(kiosk)
    for line_id, widget in before.items():
        assert after[line_id] is widget  # same widget, same line: nothing re-rendered
    assert all(a is b for a, b in zip(rows_before, kiosk.ctl.rows[:3], strict=True))
    data = kiosk.screen("shopping").ids.basket.data
    assert [d["line_id"] for d in data] == [r["line_id"] for r in kiosk.ctl.rows]


def test_a_quantity_change_updates_its_row_in_place(kiosk) -> None:
    scan_all(kiosk, ITEMS[:2])
    first = kiosk.ctl.rows[0]
    kiosk.ctl.change_quantity(first["line_id"], 1)
    kiosk.wait(lambda: kiosk.ctl.rows[0]["qty"] == "2", what="quantity 2")
    kiosk.settle()
    row = row_widgets(kiosk)[first["line_id"]]
    assert row.qty == "2"
    assert kiosk.screen("shopping").ids.basket.data[0]["qty"] == "2"
    kiosk.ctl.remove_line(first["line_id"])
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 1, what="one line left")
    kiosk.settle()
    data = kiosk.screen("shopping").ids.basket.data
    assert [d["line_id"] for d in data] == [kiosk.ctl.rows[0]["line_id"]]
    assert set(row_widgets(kiosk)) == {kiosk.ctl.rows[0]["line_id"]}


def test_a_hidden_screen_catches_up_when_it_is_shown(kiosk) -> None:
    scan_all(kiosk, ITEMS[:1])
    due = kiosk.widget("due", "paying")
    shown_before = due.text
    kiosk.type_burst(ITEMS[1])
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 2, what="a second line")
    kiosk.settle()
    assert due.text == shown_before != kiosk.ctl.due_text  # not laid out while hidden
    kiosk.ctl.screen = "paying"
    kiosk.settle()
    assert due.text == kiosk.ctl.due_text


def test_the_basket_catches_up_after_another_screen(kiosk) -> None:
    scan_all(kiosk, ITEMS[:1])
    kiosk.ctl.go("lookup")
    kiosk.wait_screen("lookup")
    scan = Scan(ITEMS[1], Symbology.EAN13, "test")
    kiosk.ctl.run(lambda: kiosk.runtime.checkout.scan(scan))  # no screen change
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 2, what="a second line")
    kiosk.settle()
    assert len(kiosk.screen("shopping").ids.basket.data) == 1  # hidden: not touched yet
    kiosk.ctl.go("shopping")
    kiosk.wait_screen("shopping")
    data = kiosk.screen("shopping").ids.basket.data
    assert [d["line_id"] for d in data] == [r["line_id"] for r in kiosk.ctl.rows]


@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_large_text_keeps_names_readable(kiosk_factory, theme: str) -> None:
    kiosk = kiosk_factory(theme=theme)
    kiosk.ctl.large_text = True
    scan_all(kiosk, ITEMS[:2])
    for row in row_widgets(kiosk).values():
        name = row.children[-1]  # the first child in kv order
        assert name.width >= row.width * 0.9, "the name has a line of its own"
    shopping = kiosk.screen("shopping")
    for wid in ("lookup", "code", "help", "cancel"):
        button = shopping.ids[wid]
        width, height = button.text_size[0], button.height - dp(6)
        label = CoreLabel(
            text=button.text,
            font_size=button.font_size,
            font_name=button.font_name,
            line_height=button.line_height,
            text_size=(width, None),
            halign="center",
        )
        label.refresh()
        assert label.texture.height <= height, f"{wid!r}: {button.text!r} is cut"


@pytest.mark.parametrize(
    ("language", "text"),
    [("ja", "1つの商品は999点までです。係員をお呼びください。"), ("ko", "최대 999개")],
)
def test_a_quantity_past_the_limit_is_refused_in_the_shoppers_language(
    kiosk, language, text
) -> None:
    scan_all(kiosk, ITEMS[:1])
    line_id = kiosk.ctl.rows[0]["line_id"]
    kiosk.ctl.set_language(language)
    kiosk.ctl.run(lambda: kiosk.ctl.runtime.checkout.set_quantity(line_id, 999))
    kiosk.wait(lambda: kiosk.ctl.rows[0]["qty"] == "999", what="quantity 999")
    kiosk.ctl.change_quantity(line_id, 1)
    kiosk.wait(lambda: text in kiosk.ctl.message, what="the limit message")
    assert kiosk.ctl.message_is_error and kiosk.ctl.rows[0]["qty"] == "999"
