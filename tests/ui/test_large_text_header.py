"""GIVEN large text switched on with a tap WHEN the shopper changes between the four languages
THEN no screen's header title is cut: it wraps or takes a smaller font (never below the
theme's small size), never leaves one character alone on its second line, and every
character of it is drawn inside its box — on the 1280×800
test screen at the default 96 dpi and on a 15.6" 1920×1080 panel (141 dpi, docs/ui.md)."""

from __future__ import annotations

import pytest

from kiosk.ui.fit_label import FitLabel, balanced_break
from kiosk.ui.i18n import LANGUAGE_NAMES
from kiosk.ui.settings import UiSettings

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"
HEADER_SCREENS = ("shopping", "lookup", "code", "methods", "paying", "receipt", "ereceipt")


def drawn_text(label: FitLabel) -> str:
    """The text Kivy laid out for the label's texture (what the shopper sees), no spaces."""
    lines = label._label._cached_lines
    return "".join(word.text for line in lines for word in line.words).replace(" ", "")


def header_problems(kiosk, screen: str) -> list[str]:
    problems = []
    titles = [w for w in kiosk.screen(screen).walk(restrict=True) if isinstance(w, FitLabel)]
    assert titles, f"{screen}: no header title"
    for title in titles:
        where = f"{kiosk.ctl.language}/{screen}: {title.title!r} at {title.font_size}px"
        if title.is_shortened or drawn_text(title) != title.title.replace(" ", ""):
            problems.append(f"{where} is cut to {drawn_text(title)!r}")
        if title.texture_size[0] > title.width + 1 or title.texture_size[1] > title.height + 1:
            problems.append(f"{where}: texture {title.texture_size} outside {title.size}")
        lines = ["".join(w.text for w in line.words).strip() for line in title._label._cached_lines]
        if len(lines) > 1 and len(lines[-1]) == 1:
            problems.append(f"{where}: a lone character on its last line {lines!r}")
        if title.font_size < kiosk.ctl.fs_small:
            problems.append(f"{where}: below the theme's small size {kiosk.ctl.fs_small}px")
    return problems


def tap_button(kiosk, text: str) -> None:
    kiosk.tap_text(kiosk.screen(), text)
    kiosk.settle()


@pytest.mark.parametrize(
    ("theme", "window_size", "dpi"),
    [
        ("default", (1280, 800), 96),
        ("high-contrast", (1280, 800), 96),
        ("sakura-mart", (1280, 800), 96),
        ("high-contrast", (1920, 1080), 141),
    ],
    indirect=["window_size"],
)
def test_large_text_never_cuts_a_header(kiosk_factory, theme: str, window_size, dpi) -> None:
    kiosk = kiosk_factory(theme=theme, settings=UiSettings(dpi=dpi))
    assert tuple(kiosk.window.size) == window_size
    kiosk.type_burst(ONIGIRI)
    kiosk.wait_screen("shopping")
    tap_button(kiosk, kiosk.ctl.t("Large text"))
    assert kiosk.ctl.large_text
    problems = []
    for language in ("ja", "en", "zh-Hans", "ko"):
        kiosk.ctl.screen = "shopping"
        kiosk.settle()
        tap_button(kiosk, LANGUAGE_NAMES[language])
        assert kiosk.ctl.language == language
        for screen in HEADER_SCREENS:
            kiosk.ctl.screen = screen
            kiosk.settle()
            problems += header_problems(kiosk, screen)
    assert problems == []


def test_normal_text_keeps_the_logo_and_the_full_title_size(kiosk) -> None:
    kiosk.type_burst(ONIGIRI)
    kiosk.wait_screen("shopping")
    title = next(w for w in kiosk.screen().walk(restrict=True) if isinstance(w, FitLabel))
    assert title.font_size == kiosk.ctl.fs_large
    assert header_problems(kiosk, "shopping") == []


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("会員カード・クーポン", ["会員カード・", "クーポン"]),  # after the middle dot
        # at the phrase boundary BudouX finds (文節), not in the middle of one
        ("お支払い方法の選択", ["お支払い方法の", "選択"]),
        ("お支払い方法を選んでください", ["お支払い方法を", "選んでください"]),
        ("レシート（電子）", ["レシート", "（電子）"]),  # never after an opening bracket
    ],
)
def test_a_title_without_spaces_is_broken_where_japanese_allows(title, lines) -> None:
    assert balanced_break(title).split("\n") == lines
