"""GIVEN a shopper who chose Chinese and large text
WHEN they stop shopping, or walk away and the kiosk puts their basket aside
THEN the next shopper meets the attract screen in the store's language and normal text,
as after a paid sale.

Before: only a paid sale reset them; after "stop shopping" or a walk-away the next shopper
got the last one's language and text size.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"


def a_chinese_large_text_shopper(kiosk) -> None:
    kiosk.tap_text(kiosk.screen("attract"), "简体中文")
    kiosk.wait(lambda: kiosk.ctl.language == "zh-Hans", what="Chinese")
    kiosk.ctl.toggle_large_text()
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 1, what="one line")
    kiosk.wait_screen("shopping")
    kiosk.settle()


def starts_clean(kiosk) -> None:
    kiosk.wait_screen("attract")
    kiosk.wait(lambda: kiosk.runtime.language == "ja", what="the runtime back in Japanese")
    assert kiosk.ctl.language == "ja"
    assert kiosk.ctl.large_text is False
    assert kiosk.widget("start", "attract").text == "タッチしてはじめる"


def test_after_stop_shopping_the_next_shopper_starts_in_the_stores_language(kiosk) -> None:
    a_chinese_large_text_shopper(kiosk)
    kiosk.tap(kiosk.widget("cancel", "shopping"))
    kiosk.wait(lambda: kiosk.root.confirm.parent is not None, what="the question")
    kiosk.settle()
    kiosk.tap(kiosk.root.confirm.ids.yes)
    starts_clean(kiosk)


def test_after_a_walk_away_the_next_shopper_starts_in_the_stores_language(kiosk) -> None:
    a_chinese_large_text_shopper(kiosk)
    kiosk.ctl.flows.suspend("inactivity")  # what the inactivity timer does when time is up
    starts_clean(kiosk)
