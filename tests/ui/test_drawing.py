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
