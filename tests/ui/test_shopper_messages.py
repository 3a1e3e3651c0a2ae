"""GIVEN a Japanese, Chinese or Korean shopper WHEN they scan a coupon (accepted, then the
same again), a barcode that cannot be read and one not in the catalogue THEN every
message, discount row and tax line on the screen is in their language: no English.

Messages from the runtime and plugins are keys + params (kiosk.messages) translated by
the screen; before, Chinese and Korean shoppers got the plugins' English text.
"""

from __future__ import annotations

import re

import pytest

from kiosk.messages import LANGUAGES, Message, catalogue, po_path, render
from kiosk.ui.i18n import LANGUAGE_NAMES
from tests.ui.shopper_config import COUPON, ONIGIRI, shop_config
from tests.ui.test_basket_figures import shown_rows, texts

pytestmark = pytest.mark.ui

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")  # "ml", "pt", "kg" are units, not English
UNREADABLE = "12345"  # too short for any symbology
NOT_IN_CATALOGUE = "4901234999992"  # a valid EAN-13 the demo store does not sell


def banner_text(kiosk) -> str:
    kiosk.wait(lambda: kiosk.root.banner.parent is not None, what="a message")
    return kiosk.root.banner.ids.text.text


def english_on_screen(kiosk, language: str) -> list[str]:
    """Texts the shopper sees now that contain an English word."""
    seen = [kiosk.ctl.message] if kiosk.root.banner.parent is not None else []
    for row in shown_rows(kiosk):
        seen += texts(row)
    seen.append(kiosk.widget("tax", "shopping").text)
    return [t for t in seen if ENGLISH_WORD.search(t)]


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_no_english_for_a_shopper_in_their_language(kiosk_factory, tmp_path, language) -> None:
    kiosk = kiosk_factory(config_file=shop_config(tmp_path))
    ctl = kiosk.ctl
    kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    kiosk.tap_text(shopping, LANGUAGE_NAMES[language])
    kiosk.settle()
    assert ctl.language == language
    kiosk.type_burst(ONIGIRI)
    kiosk.type_burst(ONIGIRI)  # two: the promotion applies
    kiosk.wait(lambda: ctl.item_count == 2, what="two onigiri")

    shown = {}
    for name, code in [
        ("accepted", COUPON),
        ("again", COUPON),
        ("unreadable", UNREADABLE),
        ("unknown", NOT_IN_CATALOGUE),
    ]:
        ctl.message = ""
        kiosk.settle()
        kiosk.type_burst(code)
        shown[name] = banner_text(kiosk)
        kiosk.settle()
        assert english_on_screen(kiosk, language) == [], (name, shown[name])
    assert len(set(shown.values())) == 4  # four different, specific messages
    expected = render(
        Message.of("Coupon accepted: {label}.", "plugins.coupons", label="x"), language
    )
    assert shown["accepted"].startswith(expected.split("x")[0])
    assert len(ctl.adjust_rows) == 2  # the promotion and the coupon, labelled in the language


PLUGIN_DOMAINS = ["kiosk", "plugins.coupons", "plugins.promotions", "plugins.loyalty"]


@pytest.mark.parametrize("domain", PLUGIN_DOMAINS)
@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_plugin_catalogues_translate_every_message(domain: str, language: str) -> None:
    """Every msgid a plugin ships has a translation in each shopper language."""
    from babel.messages.pofile import read_po

    english = po_path(domain, "en")
    assert english is not None and english.is_file()
    with english.open("rb") as handle:
        msgids = [m.id for m in read_po(handle) if m.id]
    translations = catalogue(domain, language)
    assert msgids
    same = {"OK", "PIN"}  # the same in every language on the kiosk's screens
    untranslated = [
        m
        for m in msgids
        if translations.gettext(m) == m and ENGLISH_WORD.search(m) and m not in same
    ]
    assert untranslated == []
    assert set(LANGUAGES) == set(LANGUAGE_NAMES)
