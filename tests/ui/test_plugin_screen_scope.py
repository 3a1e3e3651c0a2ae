"""GIVEN a vendor's plugin that adds a screen and an overlay WHEN the kiosk builds its UI
THEN everything it is handed — the hook's ``ctl``, its screen's ``ctl``, ``attach(root)``,
the overlay's ``make``/``shown`` — is its own view of the controller, whose runtime is its
scoped runtime: no store, checkout, ledger, devices, host or raw controller through it,
while the screen surface (language, text, navigation, binding) works as before."""

from __future__ import annotations

import pytest

from kiosk.plugin_scope import PluginAccessDenied
from tests.ui import nosy_screen_plugin as nosy

pytestmark = pytest.mark.ui

NAME = "tests.ui.nosy_screen_plugin"  # no manifest: scoped under its module's name
LIVE_PARTS = ("store", "checkout", "ledger", "devices", "host")


@pytest.fixture
def kiosk(kiosk_factory, tmp_path):
    nosy.GIVEN.clear()
    config = tmp_path / "nosy.toml"
    config.write_text(
        f'[plugins]\nbuiltin = ["plugins.pay_cash", "plugins.tax_free", "{NAME}"]\n',
        encoding="utf-8",
    )
    return kiosk_factory(config_file=config)


def test_every_handle_is_the_plugins_own_view_not_the_controller(kiosk):
    given = nosy.GIVEN
    view = given["hook ctl"]
    for what in ("screen ctl", "overlay ctl", "shown ctl"):
        assert given[what] is view, what
    assert given["root"].ctl is view
    assert view is not kiosk.ctl and view.name == NAME
    assert kiosk.app.root.screen("nosy").ctl is view


def test_the_view_reaches_no_live_part_of_the_kiosk(kiosk):
    view, root = nosy.GIVEN["hook ctl"], nosy.GIVEN["root"]
    runtime = view.runtime
    for part in LIVE_PARTS:
        assert not hasattr(runtime, part), part
    assert not hasattr(runtime, "_runtime")  # the scoped view's insides stay behind its door
    with pytest.raises(PluginAccessDenied):
        runtime.device("printer")  # no "devices" permission
    with pytest.raises(PluginAccessDenied):
        runtime.plugin_api("tax_free")  # another plugin's helpers
    # the controller's own insides: the raw runtime, the worker, the flows, the return model
    for attr in ("flows", "worker", "settings", "snapshot", "translate_", "_ctl", "_scanned"):
        assert not hasattr(view, attr), attr
    with pytest.raises(TypeError):
        vars(view)  # what it wraps is not readable through it
    assert not hasattr(view.returns, "_ctl") and not hasattr(view.returns, "ctl")
    assert not hasattr(view.scan_interceptors, "_items")
    with pytest.raises(TypeError):
        list(view.scan_interceptors)  # other plugins' callables (their models) are not listed
    shopping = root.screen("shopping")  # a core screen: its ids, not its controller
    assert not hasattr(shopping, "ctl") and not hasattr(shopping, "manager")
    assert not hasattr(root, "_manager")
    with pytest.raises(PluginAccessDenied):
        view.state = "paying"  # only navigation and its own notes may be set
    reachable = [getattr(view, a, None) for a in dir(view) if not a.startswith("__")]
    assert not any(x is kiosk.ctl or x is kiosk.runtime for x in reachable)


def test_the_screen_surface_still_works_through_the_view(kiosk):
    view = nosy.GIVEN["hook ctl"]
    seen = []
    view.bind(language=lambda ctl, language: seen.append((ctl, language)))
    kiosk.ctl.set_language("en")
    kiosk.wait(lambda: seen, what="the language change")
    assert seen[-1] == (view, "en")  # the callback gets the view, never the controller
    assert view.t("OK") == "OK" and view.yen(1200) == kiosk.ctl.yen(1200)
    assert view.runtime == kiosk.runtime  # its door compares equal, as the hooks' does
    view.runtime.store_value(f"{NAME}.visits", 1)
    assert view.runtime.stored_value(f"{NAME}.visits") == 1
    view.go("nosy")
    kiosk.wait_screen("nosy")
