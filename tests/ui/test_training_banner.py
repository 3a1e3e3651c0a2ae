"""Training mode in the shell: a strip above every screen, in the shopper's language."""

from __future__ import annotations

import pytest

from kiosk.ui.i18n import catalogue

pytestmark = pytest.mark.ui

MSGID = "TRAINING MODE — practice only, no real payments"


def test_training_banner_stays_above_every_screen_in_four_languages(kiosk):
    """GIVEN the demo (payment simulators: training mode) WHEN the shopper moves from the
    attract screen to shopping and changes language THEN the amber strip stays at the top
    of the window, slim, and speaks that language."""
    assert kiosk.runtime.training
    banner = kiosk.root.training_banner
    label = banner.children[0]
    for screen in ("attract", "shopping"):
        if screen == "shopping":
            kiosk.type_burst("4901234000018")
            kiosk.wait_screen("shopping")
        kiosk.settle()
        assert banner.parent is kiosk.root
        assert banner.top == kiosk.root.top  # the window's top edge, over the header bar
        assert banner.height < kiosk.root.manager.current_screen.height * 0.05
    for language in ("ja", "en", "zh-Hans", "ko"):
        kiosk.ctl.set_language(language)
        kiosk.settle()
        assert label.text == catalogue(language).gettext(MSGID)
    assert label.text.startswith("트레이닝 모드")
