"""GIVEN a plugin with an overlay (kiosk_ui_overlays) and a malformed screen
(kiosk_ui_screens) WHEN the kiosk runs THEN the overlay shows exactly while its predicate
holds and the malformed screen is left out without stopping the kiosk."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


@pytest.fixture
def kiosk(kiosk_factory, tmp_path):
    config = tmp_path / "layout.toml"
    config.write_text(
        '[plugins]\nbuiltin = ["plugins.pay_cash", "tests.ui.layout_plugin"]\n', encoding="utf-8"
    )
    return kiosk_factory(config_file=config)


def test_a_plugin_overlay_follows_its_predicate(kiosk):
    root = kiosk.app.root
    ((spec, overlay),) = root.plugin_overlays
    assert spec.name == "shelf_hint" and overlay.parent is None  # attract screen
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.wait(lambda: overlay.parent is not None, what="the overlay over shopping")
    kiosk.ctl.go("attract")
    kiosk.wait(lambda: overlay.parent is None, what="the overlay gone")


def test_a_malformed_screen_is_left_out(kiosk):
    names = kiosk.app.root.manager.screen_names
    assert "shopping" in names and "taxfree" not in names
    assert kiosk.ctl.shopper_screens == ("shopping", "lookup", "code", "weigh")
