"""GIVEN the back office cannot be reached (the sync relay has lowered ``runtime.online``)
WHEN the shopper touches Pay THEN card, QR and the other methods that need the network are
not offered, and the payment screen names them and says why, in each of the four languages,
with every line of the notice drawn inside its place; online, no notice is shown."""

from __future__ import annotations

import pytest

from kiosk.ui.i18n import LANGUAGE_NAMES

pytestmark = pytest.mark.ui

TEA = "4901234000148"
LANGUAGES = ("ja", "en", "zh-Hans", "ko")
# what the notice says, by language, besides the names of the methods it lists
WHY = {
    "ja": "通信ができないため",
    "en": "cannot be used right now (no connection)",
    "zh-Hans": "由于网络无法连接",
    "ko": "통신이 되지 않아",
}


def open_methods(kiosk):
    kiosk.tap(kiosk.widget("pay", "shopping"))
    return kiosk.wait_screen("methods")


def tile_texts(methods) -> list[str]:
    return [tile.text for tile in methods.ids.tiles.children]


def test_methods_missing_offline_are_named_with_the_reason(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.type_burst(TEA)
    kiosk.wait(lambda: len(ctl.rows) == 1, what="the tea in the basket")
    methods = open_methods(kiosk)
    assert methods.ids.notice.text == ""  # online: every method is there, nothing to explain
    online_tiles = set(tile_texts(methods))
    kiosk.tap(methods.ids.back)
    kiosk.wait_screen("shopping")

    runtime.online = False  # as the sync relay sets it when the back office does not answer
    held = runtime.methods_held_offline()
    assert "qr" in {m.id for m in held}
    methods = open_methods(kiosk)
    for large in (False, True):
        if ctl.large_text != large:
            ctl.toggle_large_text()
            kiosk.settle()
        for language in LANGUAGES:
            kiosk.tap_text(methods, LANGUAGE_NAMES[language])
            kiosk.settle()
            assert ctl.language == language
            notice = methods.ids.notice
            names = [m.name(language) for m in held]
            where = f"{language}{' large' if large else ''}: {notice.text!r}"
            assert WHY[language] in notice.text, where
            assert all(name in notice.text for name in names), where
            assert not set(names) & set(tile_texts(methods)), where  # not offered
            assert tile_texts(methods), where  # cash still is
            assert notice.texture_size[1] <= notice.height, where  # every line shown
    # the methods left and those named are together the ones offered online
    kiosk.tap_text(methods, LANGUAGE_NAMES["ja"])
    kiosk.settle()
    assert set(tile_texts(methods)) | {m.name("ja") for m in held} == online_tiles
