"""Training mode in the shell: a strip above every screen, in the shopper's language."""

from __future__ import annotations

import pytest

from kiosk.ui.i18n import catalogue

pytestmark = pytest.mark.ui

MSGID = "TRAINING MODE — practice only, no real payments"


def test_training_banner_stays_above_every_screen_in_four_languages(kiosk):
    """GIVEN the demo (payment simulators: training mode) WHEN the shopper moves from the
    attract screen to shopping and changes language THEN the amber strip stays on top and
    speaks that language."""
    assert kiosk.runtime.training
    banner = kiosk.root.training_banner
    label = banner.children[0]
    for screen in ("attract", "shopping"):
        if screen == "shopping":
            kiosk.type_burst("4901234000018")
            kiosk.wait_screen("shopping")
        kiosk.settle()
        assert banner.parent is kiosk.root.column
        assert banner.y >= kiosk.root.manager.top - 1  # above the screen, not over it
    for language in ("ja", "en", "zh-Hans", "ko"):
        kiosk.ctl.set_language(language)
        kiosk.settle()
        assert label.text == catalogue(language).gettext(MSGID)
    assert label.text.startswith("트레이닝 모드")
