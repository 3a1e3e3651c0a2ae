"""GIVEN the back office cannot be reached (the sync relay has lowered
``runtime.backoffice_reachable``) WHEN the shopper touches Pay THEN every method is still
offered and no notice shows: the back office is not in the payment path.
GIVEN the QR provider does not answer THEN QR alone is not offered, and the payment screen
names it and says why, in each of the four languages, with every line of the notice drawn
inside its place."""

from __future__ import annotations

import pytest

from kiosk.ui.i18n import LANGUAGE_NAMES

pytestmark = pytest.mark.ui

TEA = "4901234000148"
LANGUAGES = ("ja", "en", "zh-Hans", "ko")
# what the notice says, by language, besides the names of the methods it lists
WHY = {
    "ja": "決済サービスと通信できないため",
    "en": "cannot be used right now (the payment service is not answering)",
    "zh-Hans": "由于无法连接支付服务",
    "ko": "결제 서비스와 통신이 되지 않아",
}


def open_methods(kiosk):
    kiosk.tap(kiosk.widget("pay", "shopping"))
    return kiosk.wait_screen("methods")


def tile_texts(methods) -> list[str]:
    return [tile.text for tile in methods.ids.tiles.children]


def test_only_a_method_whose_own_service_is_down_is_missing_and_named(kiosk) -> None:
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

    runtime.backoffice_reachable = False  # as the sync relay sets it when it gets no answer
    methods = open_methods(kiosk)
    assert methods.ids.notice.text == ""  # every method still offered: nothing to explain
    assert set(tile_texts(methods)) == online_tiles
    kiosk.tap(methods.ids.back)
    kiosk.wait_screen("shopping")

    provider = kiosk.runtime.host.pm.get_plugin("plugins.pay_qr").provider
    provider.stop()  # the QR provider's gateway does not answer
    runtime.method("qr").gateway.forget()
    held = runtime.methods_unavailable()
    assert [m.id for m in held] == ["qr"]
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
