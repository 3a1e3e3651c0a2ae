"""GIVEN the shortcuts the shell takes to draw less (see docs/ui.md, "Scan → screen latency")
THEN what the shopper sees is unchanged: the background is painted into every target
(window, screenshot export), buttons have no hidden Button background, and a scan reuses a
basket row made ahead instead of building one."""

from __future__ import annotations

import pytest
from kivy.graphics import BorderImage

from kiosk.ui.export import export_image
from kiosk.ui.screens.shopping import BasketRow
from kiosk.ui.widgets import walk_buttons

pytestmark = pytest.mark.ui

ITEMS = ("4901234000018", "4901234000148", "4901234000377")


def pixel(widget, x: int, y: int) -> tuple[int, ...]:
    """One RGBA pixel (window coordinates) of the widget drawn off-screen as screenshots are."""
    image = export_image(widget)
    width = image.texture.size[0]
    data = image.texture.pixels
    offset = (y * width + x) * 4
    return tuple(data[offset : offset + 4])


@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_exports_carry_the_theme_background(kiosk_factory, theme: str) -> None:
    kiosk = kiosk_factory(theme=theme)
    kiosk.type_burst(ITEMS[0])
    shopping = kiosk.wait_screen("shopping")
    # the middle of the basket column with one line in it: nothing but the background
    x, y = int(shopping.width * 0.3), int(shopping.height * 0.5)
    expected = tuple(round(c * 255) for c in kiosk.ctl.theme.colours["background"])
    assert pixel(kiosk.root, x, y) == pytest.approx(expected, abs=2)


def test_buttons_draw_no_button_background(kiosk) -> None:
    kiosk.type_burst(ITEMS[0])
    shopping = kiosk.wait_screen("shopping")
    drawn = [
        instruction
        for button in walk_buttons(shopping)
        for instruction in button.canvas.children
        if isinstance(instruction, BorderImage)
    ]
    assert drawn == []


def test_scans_reuse_rows_made_ahead(kiosk, monkeypatch) -> None:
    built = []
    original = BasketRow.__init__

    def counting_init(self, **kwargs):
        built.append(self)
        original(self, **kwargs)

    monkeypatch.setattr(BasketRow, "__init__", counting_init)
    for code in ITEMS:
        kiosk.type_burst(code)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == len(ITEMS), what="three lines")
    kiosk.settle()
    shown = kiosk.screen("shopping").ids.basket.view_adapter.views
    assert len(shown) == len(ITEMS)
    assert built == []  # every row came from the rows made when the app started


def catalogue_codes(kiosk, count: int) -> list[str]:
    products = kiosk.runtime.catalogue
    codes = [p.gtin for p in products if p.gtin and not p.age_restricted and not p.weighed]
    assert len(codes) >= count
    return codes[:count]


def colour(kiosk, name: str) -> tuple[int, ...]:
    return tuple(round(c * 255) for c in kiosk.ctl.theme.colours[name])


def test_basket_rows_stay_inside_the_list_and_the_fill_under_the_rows(kiosk) -> None:
    kiosk.type_burst(ITEMS[0])
    basket = kiosk.wait_screen("shopping").ids.basket
    x_remove = int(basket.to_window(basket.right - 30, 0)[0])  # on each row's × button
    _, bottom = basket.to_window(basket.x, basket.y)
    # one line: under it, inside the list, the screen's background (no fill below rows)
    assert pixel(kiosk.root, x_remove, int(bottom) + 20) == pytest.approx(
        (*colour(kiosk, "background")[:3], 255), abs=2
    )
    for code in catalogue_codes(kiosk, 16)[1:]:
        kiosk.type_burst(code)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 16, what="sixteen lines")
    kiosk.settle()
    assert basket.viewport_size[1] > basket.height  # more rows than the list shows
    # the rows below the list's bottom edge are clipped away (the × button would be red)
    assert pixel(kiosk.root, x_remove, int(bottom) - 3) == pytest.approx(
        (*colour(kiosk, "background")[:3], 255), abs=2
    )
    # the list's bottom is covered by rows now: the fill (the rows' surface) is there
    row_gap = 4  # inside a row's surface, away from the gaps drawn between rows
    surface = pixel(kiosk.root, x_remove - 160, int(bottom) + row_gap)
    assert surface == pytest.approx((*colour(kiosk, "surface")[:3], 255), abs=2)


def test_a_fade_clips_the_basket_in_the_fade_buffer(kiosk) -> None:
    """A fade draws each screen into a buffer of its own, at the buffer's origin."""
    kiosk.type_burst(ITEMS[0])
    shopping = kiosk.wait_screen("shopping")
    basket = shopping.ids.basket
    kiosk.ctl.problems.append({"shopper": "プリンターの用紙がありません", "staff": "paper out"})
    kiosk.settle()
    assert shopping.y > 0  # the problem bar below the screens lifts them
    on_window = list(basket.clip_box)
    x, y = basket.to_window(basket.x, basket.y)
    assert on_window[:2] == [round(x), round(y)]
    kiosk.ctl.screen = "lookup"
    kiosk.pump()
    assert kiosk.root.manager.transition.is_active
    assert basket.clip_box[:2] == [round(x - shopping.x), round(y - shopping.y)]
    kiosk.settle()
    kiosk.ctl.screen = "shopping"
    kiosk.settle()
    assert basket.clip_box == on_window


def test_an_idle_shopping_screen_draws_no_frames(kiosk) -> None:
    """Nothing moves after a scan has been shown: no frame is drawn (each one costs ~20 ms
    of CPU without a GPU, and a scan arriving during one waits for it)."""
    frames = []

    def flipped(*_args) -> None:
        frames.append(1)

    kiosk.window.bind(on_flip=flipped)
    try:
        codes = catalogue_codes(kiosk, 17)
        for code in codes[:16]:  # more than the list shows: its scroll bar is on
            kiosk.type_burst(code)
        kiosk.wait(lambda: len(kiosk.ctl.rows) == 16, what="sixteen lines")
        kiosk.settle()
        basket = kiosk.screen("shopping").ids.basket
        assert basket.viewport_size[1] > basket.height
        kiosk.pump(90)
        kiosk.type_burst(codes[16])  # one more scan, then the shopper reaches for the next
        kiosk.wait(lambda: len(kiosk.ctl.rows) == 17, what="the seventeenth line")
        kiosk.settle()
        frames.clear()
        kiosk.pump(90)  # 1.5 s at 60 frames a second: Kivy's bar fade would run in here
        assert frames == []
        assert kiosk.root.banner.parent is None  # no message: not drawn at all
    finally:
        kiosk.window.unbind(on_flip=flipped)
