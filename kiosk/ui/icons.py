"""Payment pictograms, drawn with Kivy canvas instructions (no image files, no font glyphs).

Our own drawings, part of this project's source (Apache-2.0): a card with its chip, an IC
card with contactless waves (e-money / 交通系), a QR code (QR wallets), a banknote and a coin
with ¥ (cash), a star (points), a plain wallet for anything else. Being vectors they stay
sharp at any DPI and take the theme's text colour, so high-contrast works unchanged.

A payment method may ship its own mark (a brand logo) as a PNG: ``PaymentMethod.icon_image``
is the file's path; when it names a readable file the tile shows that image instead.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.properties import ListProperty, StringProperty
from kivy.uix.image import Image
from kivy.uix.widget import Widget

#: ``PaymentMethod.icon`` keys with a drawn pictogram; anything else gets the wallet
PICTOGRAMS = ("card", "emoney", "qr", "cash", "points")


class MethodIcon(Widget):
    """A square pictogram for a payment method; ``kind`` is ``PaymentMethod.icon``."""

    kind = StringProperty("")
    image = StringProperty("")  # a plugin's own PNG (brand mark); wins over the pictogram
    colour = ListProperty([0.1, 0.14, 0.19, 1])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._image: Image | None = None
        self.bind(pos=self.redraw, size=self.redraw, kind=self.redraw, colour=self.redraw)
        self.bind(image=self.redraw)
        self.redraw()

    @property
    def shown(self) -> str:
        """What is drawn: ``image``, a pictogram key, or ``wallet`` (for tests and docs)."""
        if self.image and Path(self.image).is_file():
            return "image"
        return self.kind if self.kind in PICTOGRAMS else "wallet"

    def redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        shown = self.shown
        if shown == "image":
            self._show_image()
            return
        if self._image is not None:
            self.remove_widget(self._image)
            self._image = None
        side = min(self.width, self.height)
        if side <= 0:
            return
        # a square box centred in the widget. From x/y, not center_x/center_y: those are
        # cached aliases that may not have caught up yet when this pos observer runs.
        x0, y0 = self.x + (self.width - side) / 2, self.y + (self.height - side) / 2
        with self.canvas:
            Color(*self.colour)
            getattr(self, f"_draw_{shown}")(x0, y0, side)

    def _show_image(self) -> None:
        if self._image is None:
            self._image = Image(fit_mode="contain")
            self.add_widget(self._image)
        self._image.source = self.image
        self._image.pos, self._image.size = self.pos, self.size

    # --- the pictograms (x0, y0: lower left of the square; s: its side) ------------------

    @staticmethod
    def _card(x0: float, y0: float, s: float, width_factor: float = 0.9) -> tuple[float, ...]:
        """Outline of an ID-1 card (85.6 × 54 mm) across the square; returns its box."""
        w = s * width_factor
        h = w / 1.586
        x, y = x0 + (s - w) / 2, y0 + (s - h) / 2
        Line(rounded_rectangle=(x, y, w, h, s * 0.06), width=max(1.5, s * 0.035))
        return x, y, w, h

    def _draw_card(self, x0: float, y0: float, s: float) -> None:
        x, y, w, h = self._card(x0, y0, s)
        # the chip
        RoundedRectangle(
            pos=(x + w * 0.12, y + h * 0.42), size=(w * 0.2, h * 0.28), radius=[s * 0.02]
        )
        # the embossed number: four groups
        for i in range(4):
            Rectangle(pos=(x + w * (0.12 + i * 0.2), y + h * 0.2), size=(w * 0.15, h * 0.07))

    def _draw_emoney(self, x0: float, y0: float, s: float) -> None:
        self._card(x0, y0 - s * 0.08, s, width_factor=0.72)
        # contactless waves above the card's right corner
        cx, cy = x0 + s * 0.62, y0 + s * 0.62
        for i, r in enumerate((0.12, 0.2, 0.28)):
            Line(circle=(cx, cy, s * r, 15, 75), width=max(1.5, s * (0.03 + i * 0.003)))

    def _draw_qr(self, x0: float, y0: float, s: float) -> None:
        n = 21  # a version-1 grid; the three 7×7 finder patterns make it read as "QR"
        m = s * 0.86 / n
        ox, oy = x0 + (s - n * m) / 2, y0 + (s - n * m) / 2

        def module(col: int, row: int, size: int = 1) -> None:
            Rectangle(pos=(ox + col * m, oy + (n - row - size) * m), size=(size * m, size * m))

        for col, row in ((0, 0), (n - 7, 0), (0, n - 7)):
            x, y = ox + col * m, oy + (n - row - 7) * m
            Line(rectangle=(x + m / 2, y + m / 2, 6 * m, 6 * m), width=m / 2)
            module(col + 2, row + 2, 3)
        # data modules: a fixed pattern, not a real code (a shopper must not scan the tile)
        for row in range(n):
            for col in range(n):
                in_finder = (row < 8 and col < 8) or (row < 8 and col >= n - 8)
                if in_finder or (row >= n - 8 and col < 8):
                    continue
                if (row * 31 + col * 17 + (row ^ col) * 7) % 7 < 3:
                    module(col, row)

    def _draw_cash(self, x0: float, y0: float, s: float) -> None:
        # a banknote, back left
        w, h = s * 0.72, s * 0.4
        bx, by = x0 + s * 0.04, y0 + s * 0.46
        Line(rounded_rectangle=(bx, by, w, h, s * 0.03), width=max(1.5, s * 0.03))
        Line(circle=(bx + w / 2, by + h / 2, h * 0.26), width=max(1.2, s * 0.025))
        # a coin with ¥, front right
        r = s * 0.27
        cx, cy = x0 + s * 0.66, y0 + s * 0.3
        Ellipse(pos=(cx - r, cy - r), size=(2 * r, 2 * r))
        Color(*self._paper())
        t = max(1.5, s * 0.035)
        Line(points=(cx - r * 0.45, cy + r * 0.55, cx, cy + r * 0.05), width=t)
        Line(points=(cx + r * 0.45, cy + r * 0.55, cx, cy + r * 0.05), width=t)
        Line(points=(cx, cy + r * 0.05, cx, cy - r * 0.6), width=t)
        for dy in (-0.08, -0.32):
            Line(points=(cx - r * 0.35, cy + r * dy, cx + r * 0.35, cy + r * dy), width=t * 0.8)

    def _draw_points(self, x0: float, y0: float, s: float) -> None:
        cx, cy, outer, inner = x0 + s / 2, y0 + s * 0.48, s * 0.42, s * 0.17
        points: list[float] = []
        for i in range(10):
            r = outer if i % 2 == 0 else inner
            a = math.pi / 2 + i * math.pi / 5
            points += [cx + r * math.cos(a), cy + r * math.sin(a)]
        Line(points=points, close=True, width=max(1.5, s * 0.035), joint="round")

    def _draw_wallet(self, x0: float, y0: float, s: float) -> None:
        w, h = s * 0.8, s * 0.56
        x, y = x0 + s * 0.1, y0 + s * 0.22
        Line(rounded_rectangle=(x, y, w, h, s * 0.06), width=max(1.5, s * 0.035))
        RoundedRectangle(pos=(x + w * 0.62, y + h * 0.36), size=(w * 0.38, h * 0.28))

    def _paper(self) -> tuple[float, float, float, float]:
        """The colour drawn on top of a filled shape: the inverse lightness of ``colour``."""
        r, g, b = self.colour[:3]
        light = 0.299 * r + 0.587 * g + 0.114 * b
        return (0.08, 0.08, 0.08, 1) if light > 0.5 else (1, 1, 1, 1)


#: the smallest name a tile's text may be shrunk to so that it fits (px)
TILE_FONT_MIN = 14.0
#: the least of a tile's height its pictogram keeps when a long name needs the room
ICON_SHARE_MIN = 0.3


def attach_icon(button: Any, kind: str, image: str = "", share: float = 0.5) -> MethodIcon:
    """Put a :class:`MethodIcon` in the upper part of ``button`` (a KioskButton tile).

    The button keeps its own text, pushed down by top padding, so a tile stays one Button
    (one touch target, tapped and read like the others). A name that wraps ("QR code
    payment (code on screen)") takes room from the pictogram, down to ``ICON_SHARE_MIN`` of
    the tile; past that the name's font is made smaller until both fit inside the tile.
    """
    icon = MethodIcon(kind=kind, image=image, colour=list(button.color))
    button.fit_height = False  # the name's size is fitted here, with the pictogram
    # the font the tile's kv rule gives (large text on and off); ours only while fitting
    font = {"given": float(button.font_size), "fitting": False}

    def given_font(_button: Any, size: float) -> None:
        if not font["fitting"]:
            font["given"] = float(size)

    def set_font(size: float) -> None:
        font["fitting"] = True
        button.font_size = size
        font["fitting"] = False

    def place(*_args: Any) -> None:
        gap = button.height * 0.04
        # the texture is the name's lines plus the padding above them (the pictogram's place)
        name_height = max(0.0, button.texture_size[1] - button.padding[1] - button.padding[3])
        room = button.height * 0.94 - gap - name_height
        if room < button.height * ICON_SHARE_MIN and button.font_size > TILE_FONT_MIN:
            set_font(max(TILE_FONT_MIN, button.font_size * 0.92))
            return  # the name is laid out again at that size, and placed again then
        side = max(0.0, min(button.height * share, button.width * 0.6, room))
        button.padding = [0, side + gap, 0, 0]
        icon.size = (side, side)
        # the text texture (with its top padding) is centred; the icon sits in that padding
        icon.pos = (
            button.x + (button.width - side) / 2,
            button.y + (button.height + button.texture_size[1]) / 2 - side,
        )

    def resized(*_args: Any) -> None:
        if button.font_size != font["given"]:
            set_font(font["given"])  # a bigger tile may hold the name at its own size
        place()

    button.bind(font_size=given_font)
    button.bind(size=resized, pos=place, texture_size=place)
    button.bind(color=lambda _b, colour: setattr(icon, "colour", list(colour)))
    button.add_widget(icon)
    place()
    return icon
