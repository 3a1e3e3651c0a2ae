"""GIVEN one kiosk app WHEN shopper after shopper uses item look-up (a department, then
an item, then look-up again, then the kana search) THEN every visit shows the department
tiles between the header and the bottom bar, every tile works, and the kana pad appears.

Before the fix the second visit showed the tiles squashed over the header (a hidden block
kept its old height), with no kana pad and dead tiles, until the app was restarted.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui

FOOD = "food"  # department with the demo's onigiri, sold by the piece


def window_box(widget) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def on_window(widget) -> bool:
    return widget.get_root_window() is not None


def assert_tiles_in_body(kiosk, lookup) -> None:
    """Every department tile is on the window, between the header and the bottom bar."""
    header = next(c for c in lookup.walk(restrict=True) if type(c).__name__ == "HeaderBar")
    header_bottom = window_box(header)[1]
    bar_top = window_box(lookup.ids.back)[3]
    tiles = [t for t in lookup.ids.departments.children]
    assert len(tiles) >= 4
    for tile in tiles:
        assert on_window(tile), tile.text
        _x0, y0, _x1, y1 = window_box(tile)
        assert tile.height >= kiosk.ctl.settings.target_px - 0.5, tile.text
        assert bar_top - 0.5 <= y0 and y1 <= header_bottom + 0.5, (tile.text, y0, y1)
    assert not on_window(lookup.ids.pad)  # the search block is not drawn meanwhile


def visit_department_then_item(kiosk, lookup) -> None:
    ctl = kiosk.ctl
    tile = next(t for t in lookup.ids.departments.children if getattr(t, "department", "") == FOOD)
    kiosk.tap(tile)
    kiosk.settle()
    assert lookup.mode == "search" and lookup.department == FOOD
    assert on_window(lookup.ids.pad) and not on_window(lookup.ids.departments)
    item = lookup.ids.results.children[-1]  # the first result, at its place on the screen
    assert on_window(item)
    before = ctl.item_count
    kiosk.tap(item)
    kiosk.wait_screen("shopping")
    kiosk.wait(lambda: ctl.item_count == before + 1, what="the looked-up item")


@pytest.mark.parametrize("shoppers", [3])
def test_lookup_works_for_every_shopper(kiosk, shoppers: int) -> None:
    ctl = kiosk.ctl
    for shopper in range(shoppers):
        kiosk.wait_screen("attract")
        kiosk.tap(kiosk.widget("start", "attract"))
        kiosk.wait_screen("shopping")
        for _visit in range(2):
            kiosk.tap(kiosk.widget("lookup", "shopping"))
            lookup = kiosk.wait_screen("lookup")
            assert lookup.mode == "departments", f"shopper {shopper}"
            assert_tiles_in_body(kiosk, lookup)
            visit_department_then_item(kiosk, lookup)
        # third visit: search by name on the kana pad, then back to the departments
        kiosk.tap(kiosk.widget("lookup", "shopping"))
        lookup = kiosk.wait_screen("lookup")
        assert_tiles_in_body(kiosk, lookup)
        kiosk.tap_text(lookup.ids.departments, ctl.t("Search by name"))
        kiosk.settle()
        assert on_window(lookup.ids.pad)
        for key in "おにき":
            kiosk.tap_text(lookup.ids.pad, key)
        kiosk.tap_text(lookup.ids.pad, "゛")
        assert lookup.query == "おにぎ"
        assert lookup.results and all("おにぎり" in p.name("ja") for p in lookup.results)
        kiosk.tap_text(lookup, ctl.t("Departments"))
        kiosk.settle()
        assert_tiles_in_body(kiosk, lookup)
        kiosk.tap(lookup.ids.back)
        kiosk.wait_screen("shopping")
        assert len(ctl.rows) >= 1
        # the shopper stops shopping (and confirms); the next one starts on the attract screen
        kiosk.tap(kiosk.widget("cancel", "shopping"))
        kiosk.wait(lambda: kiosk.root.confirm.parent is not None, what="the question")
        kiosk.settle()
        kiosk.tap(kiosk.root.confirm.ids.yes)
        kiosk.wait_screen("attract")
