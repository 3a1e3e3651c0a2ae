"""GIVEN a merchant-presented QR payment in progress WHEN the paying screen is shown in each of
the four languages, with normal and large text THEN every word of each button's label is drawn
with room between it and the edges of the button's face: a long label ("Choose another
method") wraps or takes a smaller size, it never fills the face edge to edge."""

from __future__ import annotations

import pytest

from kiosk.ui.widgets import BUTTON_FONT_MIN, BUTTON_TEXT_ROOM_Y, KioskButton

pytestmark = pytest.mark.ui

TEA = "4901234000148"
# the least room (px) between a label's text and each side of its button's face
SIDE_ROOM = 8
LANGUAGES = ("ja", "en", "zh-Hans", "ko")


def drawn_lines(button: KioskButton) -> list[tuple[str, float]]:
    """(text, width px) of each line Kivy laid out for the button's texture."""
    return [
        ("".join(word.text for word in line.words), line.w) for line in button._label._cached_lines
    ]


def room_problems(button: KioskButton, where: str) -> list[str]:
    face_width = button.width - 2 * button.inset
    face_height = button.height - 2 * button.inset
    lines = drawn_lines(button)
    widest = max(width for _text, width in lines)
    problems = []
    if "".join(text for text, _ in lines).replace(" ", "") != button.text.replace(" ", ""):
        problems.append(f"{where}: {button.text!r} drawn as {lines!r}")
    if widest + 2 * SIDE_ROOM > face_width:
        problems.append(f"{where}: a line {widest:.0f}px wide on a {face_width:.0f}px face")
    if button.texture_size[1] > face_height:
        problems.append(
            f"{where}: text {button.texture_size[1]:.0f}px tall on a {face_height:.0f}px face"
        )
    return problems


def test_the_paying_buttons_keep_room_around_their_text(kiosk) -> None:
    ctl, qr = kiosk.ctl, kiosk.runtime.method("qr")
    qr.mode, qr.poll_interval_s = "merchant", 0.2
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.type_burst(TEA)
    kiosk.wait(lambda: len(ctl.rows) == 1, what="the tea in the basket")
    ctl.flows.pay("qr")
    paying = kiosk.wait_shown("paying")
    kiosk.wait(lambda: paying.code_image in paying.ids.row.children, what="the code shown")
    problems = []
    for large in (False, True):
        if ctl.large_text != large:
            ctl.toggle_large_text()
        for language in LANGUAGES:
            ctl.set_language(language)
            kiosk.pump(3)  # laid out again (the payment keeps the worker busy: no settle)
            assert ctl.payment.waiting and ctl.screen == "paying"
            for name in ("back", "other", "retry"):
                button = paying.ids[name]
                where = f"{language}{' large' if large else ''}/{name} {button.text!r}"
                problems += room_problems(button, where)
    assert problems == []


def test_a_squeezed_button_steps_its_font_down_and_back(kiosk) -> None:
    """GIVEN "Member card / coupon" on a button squeezed to 200×44 px (as the tax-free row
    squeezes the shopping screen's) WHEN it is laid out THEN all of it fits the face with
    room on every side, at a smaller size no smaller than the least; given room again, it
    takes the size its rule gives."""
    button = KioskButton(text="Member card / coupon", size_hint=(None, None), size=(200, 44))
    kiosk.window.add_widget(button)
    try:
        kiosk.pump(15)  # a step a frame
        own_size = kiosk.ctl.fs_body  # what the button rule gives
        face = button.height - 2 * button.inset
        assert button.texture_size[1] <= face - 2 * BUTTON_TEXT_ROOM_Y
        assert BUTTON_FONT_MIN <= button.font_size < own_size
        assert room_problems(button, "squeezed") == []
        button.height = 120
        kiosk.pump(15)
        assert button.font_size == own_size
        assert room_problems(button, "given room") == []
    finally:
        kiosk.window.remove_widget(button)
