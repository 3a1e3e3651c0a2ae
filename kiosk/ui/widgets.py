"""Shared widgets: themed buttons and labels, and the keypads the screens are built from.

The OS input method does not reach Kivy on a kiosk, so text entry is our own keypads:
digits (PIN, member card, coupon), a 50-sound kana pad and an A–Z pad for item look-up.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from kivy.factory import Factory
from kivy.graphics import ClearBuffers, ClearColor
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen, ScreenManager

from kiosk.ui.fit_label import FitLabel  # noqa: F401  (registers the kv class)
from kiosk.ui.kinsoku import needs_wrap, wrap
from kiosk.ui.settings import BUTTON_INSET_PX


class BackgroundColour(ClearColor):
    """Kivy's ClearColor, made without arguments so a kv canvas can hold it (chrome.kv)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(0, 0, 0, 1, **kwargs)


class KioskScreenManager(ScreenManager):
    """Kivy's ScreenManager without its stencil clip (its kv rule is dropped in widgets.kv).

    The stencil is there for sliding transitions; ours fill their place and fade, so it
    clipped nothing, yet it filled the stencil buffer twice per frame over the whole
    window, which a software rasteriser pays pixel by pixel on every frame.
    """


# kv canvases only know the instructions registered in Kivy's Factory
for _name, _cls in (("BackgroundColour", BackgroundColour), ("ClearBuffers", ClearBuffers)):
    if _name not in Factory.classes:
        Factory.register(_name, cls=_cls)

DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "←", "0", "C"]
KANA_ROWS = [  # columns are the 50-sound rows read right to left on paper; here left→right
    "あいうえお",
    "かきくけこ",
    "さしすせそ",
    "たちつてと",
    "なにぬねの",
    "はひふへほ",
    "まみむめも",
    "やゆよ",
    "らりるれろ",
    "わをんー",
]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
DAKUTEN, HANDAKUTEN = "\u3099", "\u309a"
SMALL_KANA = dict(zip("あいうえおつやゆよわ", "ぁぃぅぇぉっゃゅょゎ", strict=True))


def add_mark(text: str, mark: str) -> str:
    """Add ゛/゜ to the last kana (か→が, は→ぱ); leave the text as it is if it cannot take it."""
    if not text:
        return text
    combined = unicodedata.normalize("NFC", text[-1] + mark)
    return text[:-1] + combined if len(combined) == 1 else text


# wrapped text per (text, width, font): wrapping measures the text many times, and a label
# re-renders whenever its text or size changes (every scan, for the basket's rows); the
# same name at the same width is laid out once (bench/scan_to_screen.py counts the calls)
_WRAPPED: dict[tuple[Any, ...], str] = {}
_WRAPPED_MOST = 4096
wrap_calls = 0  # how many times a text was actually wrapped (the cache missed)


def wrapped_text(core: Any, text: str, width: float, lines: int = 0) -> str:
    """``text`` broken for ``width`` px in ``core``'s font (cached); with ``lines``, at most
    that many lines, the last cut with "…" only where even they do not hold it."""
    options = core.options
    key = (text, width, lines, options["font_size"], options["font_name"], options["bold"])
    done = _WRAPPED.get(key)
    if done is None:
        global wrap_calls
        wrap_calls += 1
        core.resolve_font_name()
        fits = lambda part: core.get_extents(part)[0] <= width  # noqa: E731
        done = wrap(text, fits)
        if lines and done.count("\n") >= lines:
            kept = done.split("\n")[:lines]
            last = kept[-1]
            while len(last) > 1 and not fits(last + "…"):
                last = last[:-1]
            done = "\n".join([*kept[:-1], last.rstrip() + "…"])
        if len(_WRAPPED) >= _WRAPPED_MOST:
            _WRAPPED.clear()
        _WRAPPED[key] = done
    return done


class KinsokuWrap:
    """For Label classes: Japanese wraps at phrases by the line-breaking rules
    (:mod:`kiosk.ui.kinsoku`)."""

    def texture_update(self, *args: Any) -> None:
        core, width = self._label, (self.text_size[0] if self.text_size else None)
        core.text = self.text
        if width and not self.shorten and needs_wrap(self.text):
            core.text = wrapped_text(core, self.text, width)
        super().texture_update(*args)


class LineName(Label):
    """A basket line's name: wrapped (phrases, 禁則) to as many lines as its height holds —
    two in large text — and cut with "…" only on the last of those, never on one line
    while a second would hold the rest ("トイレット… 12ロール" in large text before)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fbind("height", self._trigger_texture)

    def texture_update(self, *args: Any) -> None:
        core, width = self._label, (self.text_size[0] if self.text_size else None)
        core.text = self.text
        if width and width > 1 and self.text:
            line = self.font_size * 1.45  # Noto Sans CJK's line (ascent + descent)
            lines = max(1, int((self.height + 1) // line))
            core.text = wrapped_text(core, self.text, width, lines)
        super().texture_update(*args)


#: the least room (px) between a button's text and the top and bottom of its face
BUTTON_TEXT_ROOM_Y = 4.0
#: the smallest size a button's text is shrunk to so that its lines fit the face (px)
BUTTON_FONT_MIN = 14.0


class KioskButton(KinsokuWrap, Button):
    """A themed button; ``kind`` is primary, secondary, tile, quiet or danger.

    The text wraps inside the face, ``text_pad`` clear of its sides; where the wrapped lines
    are taller than the face (a long translation on a squeezed button: "Member card /
    coupon" beside the tax-free row), the font steps down, not below ``BUTTON_FONT_MIN``,
    and goes back to the size its rule gives when the button has the room again."""

    kind = StringProperty("secondary")
    # the face is drawn this far inside the box (px): the touch-target test measures the face
    inset = NumericProperty(BUTTON_INSET_PX)
    # the least room between the text and the face's sides (px; widgets.kv sets it)
    text_pad = NumericProperty(0)
    # the smallest side of the box, px; 0 = ctl.target (grows with large text). Keys of a
    # full keyboard set the 15 mm minimum alone, or fifty kana would not fit in large text
    min_side = NumericProperty(0)
    # False where something else sizes the text (a payment tile shrinks it with its icon)
    fit_height = BooleanProperty(True)
    bg = ListProperty([0.3, 0.3, 0.3, 1])
    fg = ListProperty([1, 1, 1, 1])

    def __init__(self, **kwargs: Any) -> None:
        self._given_font: float | None = None  # the size the rules give; ours only while fitting
        self._fitting = False
        super().__init__(**kwargs)
        self.fbind("font_size", self._font_given)
        # a width as well as a height: while being laid out a button is briefly narrow, its
        # text many lines tall, and fitted then (every screen's buttons came out at 14 px)
        self.fbind("size", self._room_changed)

    def _font_given(self, _button: Any, size: float) -> None:
        if not self._fitting:
            self._given_font = float(size)

    def _set_font(self, size: float) -> None:
        if self._given_font is None:  # the rules' size was the default: keep it to go back to
            self._given_font = float(self.font_size)
        self._fitting = True
        self.font_size = size
        self._fitting = False

    def _room_changed(self, *_args: Any) -> None:
        # the new size may hold the text at its own size: start from it again. The check is
        # left to the next texture_update (the text laid out at the new width by then: the
        # texture now may be a narrower moment's)
        if self._given_font is not None and self.font_size != self._given_font:
            self._set_font(self._given_font)
        elif self.fit_height and self.texture_size[1] > self._text_room():
            self._trigger_texture()

    def _text_room(self) -> float:
        """How tall the text may be: the face less the room above and below it."""
        return self.height - 2 * (self.inset + BUTTON_TEXT_ROOM_Y)

    def texture_update(self, *args: Any) -> None:
        super().texture_update(*args)
        if self.fit_height:
            self._shrink_if_taller()

    def _shrink_if_taller(self) -> None:
        """A step down (laid out again on the next frame, and checked again) while the
        text's lines are taller than the face leaves them."""
        room = self._text_room()
        if room <= 0 or not self.text or self.texture_size[1] <= room:
            return
        if self.font_size > BUTTON_FONT_MIN:
            self._set_font(max(BUTTON_FONT_MIN, self.font_size * 0.92))


class KioskLabel(KinsokuWrap, Label):
    pass


class KioskScreen(Screen):
    """Every screen gets the controller and talks only to it.

    ``live`` is true while the screen is the manager's current one. Every screen stays
    alive and bound to the controller, so kv rules that show per-scan data (amount due…)
    read it only while ``live`` (``text: root.ctl.due_text if root.live else self.text``):
    a hidden screen then re-lays-out and re-renders nothing when the basket changes, and
    catches up as soon as it becomes current (before its first frame).
    """

    ctl = ObjectProperty(None)
    live = BooleanProperty(False)

    def on_manager(self, _screen: Any, manager: Any) -> None:
        if manager is not None:
            manager.fbind("current", self._update_live)
        self._update_live()

    def _update_live(self, *_args: Any) -> None:
        self.live = self.manager is not None and self.manager.current == self.name


class Keypad(GridLayout):
    """A digit pad: ``value`` grows with each key; ← deletes, C clears."""

    value = StringProperty("")
    max_length = NumericProperty(24)
    extra_keys = ListProperty()  # e.g. ["S", "M"] for staff ids
    masked = BooleanProperty(False)

    def press(self, key: str) -> None:
        if key == "←":
            self.value = self.value[:-1]
        elif key == "C":
            self.value = ""
        elif len(self.value) < self.max_length:
            self.value += key


class TextPad(BoxLayout):
    """Kana or alphabet keys for the look-up search; the text is in ``value``."""

    value = StringProperty("")
    mode = StringProperty("kana")  # kana | abc
    key_side = NumericProperty(0)  # the keys' smallest side, px (set from ctl.key_target)
    abc_columns = 9  # A–Z, 0–9 and space: five rows of nine

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.orientation = "vertical"
        self.on_mode(self, self.mode)

    def on_mode(self, _pad: Any, mode: str) -> None:
        """Rebuild the keys: kana in 50-sound columns (あ row first), or A–Z and digits."""
        self.clear_widgets()
        if mode == "abc":
            grid = GridLayout(cols=self.abc_columns, spacing=4)
            keys = [*ALPHABET, "␣"]
        else:
            grid = GridLayout(rows=5, spacing=4, orientation="tb-lr")
            keys = []
            for row in KANA_ROWS:
                keys.extend(row.ljust(5, " "))
        for key in keys:
            if key == " ":
                grid.add_widget(Label())
                continue
            button = KioskButton(text=key, kind="tile", min_side=self.key_side)
            # a letter key types its letter: the abc pad's "C" is a letter, not the clear key
            button.bind(on_release=lambda b: self.type_key(b.text))
            grid.add_widget(button)
        self.add_widget(grid)
        tools = GridLayout(rows=1, spacing=4, size_hint_y=0.2)
        for key in (["゛", "゜", "小"] if mode == "kana" else []) + ["←", "C"]:
            button = KioskButton(text=key, kind="secondary")
            button.bind(on_release=lambda b: self.press(b.text))
            tools.add_widget(button)
        self.add_widget(tools)

    def on_key_side(self, _pad: Any, side: float) -> None:
        for key in self.walk(restrict=True):
            if isinstance(key, KioskButton) and key.parent is not None and key.kind == "tile":
                key.min_side = side

    def type_key(self, key: str) -> None:
        """A letter key of the grid (never a tool, whatever its face says)."""
        if key == "␣":
            self.value += " "
        else:
            self.value += key.lower() if self.mode == "abc" else key

    def press(self, key: str) -> None:
        if key == "゛":
            self.value = add_mark(self.value, DAKUTEN)
        elif key == "゜":
            self.value = add_mark(self.value, HANDAKUTEN)
        elif key == "小":  # や→ゃ, つ→っ; again turns it back
            last = self.value[-1:]
            big = {v: k for k, v in SMALL_KANA.items()}
            if last:
                self.value = self.value[:-1] + SMALL_KANA.get(last, big.get(last, last))
        elif key == "←":
            self.value = self.value[:-1]
        elif key == "C":
            self.value = ""
        elif key == "␣":
            self.value += " "
        else:
            self.value += key.lower() if self.mode == "abc" else key


def walk_buttons(widget: Any) -> list[Any]:
    """Everything pressable under ``widget``: Buttons and any other ButtonBehavior widget
    (for the touch-target test and the screenshots)."""
    return [w for w in widget.walk(restrict=True) if isinstance(w, Button | ButtonBehavior)]


def face_size(widget: Any) -> tuple[float, float]:
    """The part of a pressable widget the shopper sees as the button (px)."""
    inset = getattr(widget, "inset", 0.0)
    return widget.width - 2 * inset, widget.height - 2 * inset
