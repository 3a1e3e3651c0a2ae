"""GIVEN a shopper on a Japanese, Chinese or Korean screen WHEN they press "Call staff", or
scan beer THEN the staff overlay speaks their language (the item by its name, no internal
English such as "age_check: Beer 350 ml"), the shopper can take their own call back, and
the PIN pad has one "←" key.
"""

from __future__ import annotations

import re

import pytest

from kiosk.ui.i18n import LANGUAGE_NAMES

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"
BEER, BEER_SKU = "4901234000292", "SKU0029"  # ビール 350ml, age restricted
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
SAME_IN_EVERY_LANGUAGE = {"PIN"}


def visible_texts(widget) -> list[str]:
    return [
        w.text
        for w in widget.walk(restrict=True)
        if getattr(w, "text", "") and w.opacity > 0 and w.height > 0 and not w.disabled
    ]


def english(texts: list[str]) -> list[str]:
    return [t for t in texts if set(ENGLISH_WORD.findall(t)) - SAME_IN_EVERY_LANGUAGE]


def button(widget, text: str):
    return next(
        b
        for b in widget.walk(restrict=True)
        if getattr(b, "text", None) == text and hasattr(b, "on_release") and b.height > 0
    )


def onigiri_in(kiosk, language: str) -> None:
    """A shopper starts in ``language`` and scans a rice ball."""
    kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    kiosk.tap_text(shopping, LANGUAGE_NAMES[language])
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 1, what="a line")


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_call_withdraw_and_age_check_in_the_shoppers_language(kiosk, language) -> None:
    ctl = kiosk.ctl
    onigiri_in(kiosk, language)
    kiosk.settle()

    # the shopper calls staff, then takes the call back
    kiosk.tap(kiosk.widget("help", "shopping"))
    kiosk.wait(lambda: ctl.state == "needs_attendant", what="the call")
    kiosk.settle()
    overlay = kiosk.root.staff
    assert overlay.parent is not None
    assert english(visible_texts(overlay)) == []
    withdraw = overlay.ids.withdraw
    assert withdraw.height > 0 and not withdraw.disabled
    kiosk.tap(withdraw)
    kiosk.wait(lambda: ctl.state == "shopping", what="the call withdrawn")
    kiosk.settle()
    assert overlay.parent is None
    assert kiosk.runtime.checkout.pending_reasons == []

    # an age check: the shopper cannot withdraw it; staff see the item by its name
    kiosk.type_burst(BEER)
    kiosk.wait(lambda: ctl.state == "needs_attendant", what="the age check")
    kiosk.settle()
    shown = visible_texts(overlay)
    assert english(shown) == [], shown
    name = kiosk.runtime.catalogue.by_sku(BEER_SKU).name(language)
    assert overlay.ids.detail.text == name
    assert "age_check" not in overlay.ids.detail.text
    assert overlay.ids.withdraw.height == 0 and overlay.ids.withdraw.disabled

    # staff ID, then the PIN: one ← key on the screen in each step
    for key in "S001":
        kiosk.tap_text(overlay.ids.pad, key)
    assert [t for t in visible_texts(overlay) if t == "←"] == ["←"]
    kiosk.tap(overlay.ids.ok)
    assert overlay.field == "pin"
    assert [t for t in visible_texts(overlay) if t == "←"] == ["←"]
    for key in "1234":
        kiosk.tap_text(overlay.ids.pad, key)
    kiosk.tap(overlay.ids.ok)
    kiosk.wait(lambda: ctl.state == "shopping", what="unlocked")
    kiosk.settle()
    assert overlay.parent is None
    assert len(ctl.rows) == 2


def test_a_reprint_opened_over_an_age_check_does_not_name_the_item(kiosk) -> None:
    """GIVEN the overlay open for an age check WHEN "Reprint a receipt for expenses" is
    pressed THEN the overlay is about the reprint (no beer under it); closing it brings the
    age check back, the item named again."""
    ctl = kiosk.ctl
    kiosk.type_burst(BEER)
    kiosk.wait(lambda: ctl.state == "needs_attendant", what="the age check")
    kiosk.settle()
    overlay = kiosk.root.staff
    name = kiosk.runtime.catalogue.by_sku(BEER_SKU).name("ja")
    assert overlay.ids.detail.text == name
    kiosk.tap(overlay.ids.formal_reprint)
    kiosk.wait(lambda: ctl.staff_mode == "formal", what="the reprint")
    kiosk.settle()
    assert overlay.ids.detail.text == ""
    kiosk.tap(overlay.ids.close)
    kiosk.wait(lambda: ctl.staff_mode == "", what="closed")
    kiosk.settle()
    assert overlay.parent is not None and overlay.ids.detail.text == name


#: as the printer's own messages name it ("プリンター：用紙切れ")
PRINTER = {"ja": "プリンター", "zh-Hans": "打印机", "ko": "프린터"}


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_a_device_fault_names_the_device_for_staff(kiosk, language) -> None:
    """GIVEN a shopper mid-basket WHEN the printer runs out of paper THEN the staff overlay
    says which device needs attention, in the shopper's language (it said only "a device
    needs attention": staff had to guess), and nothing of the driver's English status."""
    ctl = kiosk.ctl
    onigiri_in(kiosk, language)
    kiosk.runtime.report_device_status("printer", "paper out", fault=True)
    kiosk.wait(lambda: ctl.state == "needs_attendant", what="the device fault")
    kiosk.settle()
    overlay = kiosk.root.staff
    assert overlay.ids.detail.text == PRINTER[language]
    shown = visible_texts(overlay)
    assert english(shown) == [], shown
