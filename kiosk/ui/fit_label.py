"""The header title: never cut, never one character alone on its second line.

Large text, long translations and a fixed language bar meet in the header. ``FitLabel``
wraps to ``most_lines`` and takes the largest font size between ``font_min`` and
``font_max`` at which the text fits its box. Japanese and Chinese have no spaces to wrap
at, and Kivy, like browsers, breaks them between any two characters: "会員カード・クーポ"
over "ン". A size that wraps without such an orphan is preferred; where none does (the
theme's smallest size is reached), the line is broken by hand near the middle, at a place
the Japanese line-breaking rules (禁則処理) allow: "会員カード・" over "クーポン". Only if even
``font_min`` does not fit is the text shortened ("…" at the end of one line: Kivy's
``shorten`` never wraps, so it is off otherwise).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.label import Label

from kiosk.ui.kinsoku import may_break, needs_wrap, phrase_starts

# a break just after these reads naturally
GOOD_BREAK_AFTER = set("・、／/ ")


def balanced_break(text: str) -> str | None:
    """``text`` with one line break near its middle where the rules allow one — at a phrase
    boundary (BudouX) if there is one: "お支払い方法を" over "選んでください", not "選" over
    "んで…" — or None."""
    best: tuple[float, int] | None = None
    phrases = phrase_starts(text)
    for at in range(1, len(text)):
        if not may_break(text, at) or text[at] == " ":
            continue
        score = abs(at - (len(text) - at)) - (1.5 if text[at - 1] in GOOD_BREAK_AFTER else 0)
        score += 0 if at in phrases else len(text)  # inside a phrase only as a last resort
        if best is None or score < best[0]:
            best = (score, at)
    if best is None:
        return None
    return text[: best[1]].rstrip() + "\n" + text[best[1] :]


def _lines_of(core: Any) -> list[str]:
    return ["".join(word.text for word in line.words).strip() for line in core._cached_lines]


class FitLabel(Label):
    """Set ``title``; ``text`` is what is drawn (the title, or it broken by hand)."""

    title = StringProperty("")
    # not Label's max_lines: with a line break in the text, Kivy then drops the first line
    most_lines = NumericProperty(2)
    font_min = NumericProperty(14)
    font_max = NumericProperty(26)

    def __init__(self, **kwargs: Any) -> None:
        self._fit_soon = Clock.create_trigger(self.fit, -1)  # before the next frame
        super().__init__(**kwargs)
        for prop in ("title", "size", "font_min", "font_max", "most_lines", "bold", "font_name"):
            self.fbind(prop, self._fit_soon)
        self._fit_soon()

    def layout(self, text: str, font_size: float) -> tuple[Any, float, list[str]]:
        """(core label, height, lines) of ``text`` wrapped to the box's width."""
        core = CoreLabel(
            text=text,
            font_size=font_size,
            font_name=self.font_name,
            bold=self.bold,
            line_height=self.line_height,
            halign=self.halign,
            text_size=(self.width, None),
        )
        core.resolve_font_name()
        height = core.render()[1]  # layout only: no texture is made
        return core, height, _lines_of(core)

    def fits(
        self, text: str, font_size: float, orphan_ok: bool = True, lines: int | None = None
    ) -> bool:
        """Whether ``text``, wrapped to the box's width, fits the box at ``font_size``
        (and, unless ``orphan_ok``, wraps without a lone character on its last line)."""
        if self.width <= 1 or not text:
            return True
        core, height, drawn = self.layout(text, font_size)
        # a word must fit a line whole, except one of wide (CJK) characters, which may break
        words_fit = all(
            core.get_extents(word)[0] <= self.width
            for word in text.split()
            if not all(unicodedata.east_asian_width(char) in "WF" for char in word)
        )
        most = lines or self.most_lines
        orphan = len(drawn) > 1 and len(drawn[-1]) == 1
        return (
            words_fit
            and height <= self.height
            and (not most or len(drawn) <= most)
            and (orphan_ok or not orphan)
        )

    def largest_fit(self, text: str, orphan_ok: bool, lines: int | None = None) -> int | None:
        """The largest size in [font_min, font_max] at which ``text`` fits (in at most
        ``lines`` lines, when given), or None."""
        low, high = int(self.font_min), max(int(self.font_min), int(self.font_max))
        if self.fits(text, high, orphan_ok, lines):
            return high
        if not self.fits(text, low, orphan_ok, lines):
            return None
        while low < high:  # fits(low) holds throughout
            middle = (low + high + 1) // 2
            if self.fits(text, middle, orphan_ok, lines):
                low = middle
            else:
                high = middle - 1
        return low

    def fit(self, *_args: Any) -> None:
        title = self.title
        # spaces are for wrapping at: a hand-made break is for text without them
        broken = balanced_break(title) if " " not in title.strip() else None
        if broken is not None and needs_wrap(title):
            # Japanese or Chinese: one line, or two broken by hand at a phrase boundary
            # (Kivy would split a word: "お支払い方法を選" over "んでください"), whichever
            # is larger; one line when they are the same size
            one = self.largest_fit(title, True, lines=1)
            two = self.largest_fit(broken, False)
            if one is not None and (two is None or one >= two):
                self.text, self.font_size, self.shorten = title, one, False
                return
            if two is not None:
                self.text, self.font_size, self.shorten = broken, two, False
                return
        for text, orphan_ok in ((title, False), (broken, False), (title, True)):
            if text is None:
                continue
            size = self.largest_fit(text, orphan_ok)
            if size is not None:
                self.text, self.font_size, self.shorten = text, size, False
                return
        self.text, self.font_size, self.shorten = title, int(self.font_min), True
