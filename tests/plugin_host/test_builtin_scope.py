"""Built-in plugins get the scoped runtime a vendor's plugin gets, and nothing more.

The team's rule: built-in features are plugins using only what vendors have. These tests
load every built-in on a real kiosk and check that no hook of any of them was handed the
raw runtime, that the scoped runtime refuses the live parts (``store``, ``checkout``,
``host``…), other plugins' settings and stored values, and devices to a plugin whose
manifest does not declare them — and that values the built-ins kept before they were
scoped (pay_card's offline total, hand-off's used tickets) are read after the upgrade.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

from kiosk import plugin_door
from kiosk.plugin_door import unwrap
from kiosk.plugin_manifest import load_manifest
from kiosk.plugin_scope import HiddenFromPlugin, PluginAccessDenied, ScopedRuntime
from kiosk.plugins import BUILTIN_PLUGINS, PluginHost
from kiosk.runtime import KioskRuntime
from plugins.handoff.receiver import USED_KEY
from plugins.pay_card import OFFLINE_USED_KEY

ROOT = Path(__file__).resolve().parents[2]


def manifest_of(module: str) -> Any:
    """The plugin.toml of a built-in (``plugins.handoff.plugin`` → plugins/handoff)."""
    return load_manifest(ROOT / "plugins" / module.split(".")[1])


@pytest.fixture
def handed(monkeypatch) -> list[tuple[str, Any]]:
    """Every (plugin, runtime) a hook's ``runtime`` door was made over, on any host."""
    seen: list[tuple[str, Any]] = []
    make = plugin_door.PluginDoors.runtime

    def recording(self: plugin_door.PluginDoors, runtime: Any) -> Any:
        seen.append((self.token.plugin, unwrap(runtime)))
        return make(self, runtime)

    monkeypatch.setattr(plugin_door.PluginDoors, "runtime", recording)
    return seen


def test_every_builtin_is_handed_a_scoped_runtime_named_after_its_manifest(make_runtime, handed):
    """GIVEN a kiosk with every built-in loaded WHEN it starts (startup, payment methods,
    scan sources…) THEN every built-in with a runtime hook was handed a ScopedRuntime under
    its manifest's name and permissions, never the runtime itself."""
    runtime = make_runtime()
    # the UI asks for scan sources when it opens (no [plugins.scanner_camera]: none)
    assert runtime.host.call_each("kiosk_scan_sources", runtime=runtime) == []
    loaded = set(runtime.host.names) & set(BUILTIN_PLUGINS)
    assert loaded == set(BUILTIN_PLUGINS), runtime.host.problems
    takes_runtime = {
        impl.plugin_name
        for caller in runtime.host.pm.hook.__dict__.values()
        if hasattr(caller, "get_hookimpls")
        for impl in caller.get_hookimpls()
        if "runtime" in impl.argnames
    }
    assert takes_runtime == loaded  # each built-in has one: none is left out of the check
    by_plugin: dict[str, list[Any]] = {}
    for plugin, view in handed:
        by_plugin.setdefault(plugin, []).append(view)
    for module in sorted(loaded):
        views = by_plugin.get(module)
        assert views, f"{module} was never handed a runtime"
        manifest = manifest_of(module)
        for view in views:
            assert type(view) is ScopedRuntime, f"{module} got {type(view).__name__}"
            assert object.__getattribute__(view, "_name") == manifest.name
            assert object.__getattribute__(view, "_permissions") == set(manifest.permissions)
        assert not any(isinstance(v, KioskRuntime) for v in views)
    # the ones that keep it keep the scoped one
    for module in loaded:
        kept = getattr(runtime.host.pm.get_plugin(module), "runtime", None)
        if kept is not None:
            assert type(unwrap(kept)) is ScopedRuntime, module


def test_the_scoped_runtime_refuses_the_live_parts_and_other_plugins_things(make_runtime):
    """GIVEN a built-in's view WHEN it reaches for the runtime's live parts, another
    plugin's settings or values, or a device it did not declare THEN each is refused, in
    one line naming the plugin; its own settings, values and declared devices work."""
    runtime = make_runtime()
    coupons = ScopedRuntime(runtime, "coupons", manifest_of("plugins.coupons").permissions)
    for part in ("store", "checkout", "host", "ledger", "devices", "_lock"):
        with pytest.raises(HiddenFromPlugin, match=f"'coupons' may not use runtime.{part}"):
            getattr(coupons, part)
        with pytest.raises(PluginAccessDenied):
            setattr(coupons, part, None)
    with pytest.raises(PluginAccessDenied, match=r"only \[plugins.coupons\]"):
        coupons.config.plugin_settings("loyalty")
    assert isinstance(coupons.config.plugin_settings("coupons"), dict)
    assert not hasattr(coupons.config, "backoffice_token")  # no "backoffice_api"
    with pytest.raises(PluginAccessDenied, match=r"may keep values only under coupons\.<key>"):
        coupons.stored_value(OFFLINE_USED_KEY)
    with pytest.raises(PluginAccessDenied, match=r"may keep values only under coupons\.<key>"):
        coupons.store_value(USED_KEY, ["forged"])
    with pytest.raises(PluginAccessDenied, match=r"not 'coupons\.'"):
        coupons.store_value("coupons.", 1)  # a namespace, not a key
    with pytest.raises(PluginAccessDenied, match=r"not 'sync\.feed\.loyalty'"):
        coupons.stored_value("sync.feed.loyalty")  # another topic's cursor
    coupons.store_value("coupons.cursor", 7)
    assert coupons.stored_value("coupons.cursor") == 7 == runtime.stored_value("coupons.cursor")
    coupons.store_value("sync.feed.coupons", 9)  # its own topic's feed cursor
    assert runtime.stored_value("sync.feed.coupons") == 9
    with pytest.raises(PluginAccessDenied, match=r'declare permissions = \["devices"\]'):
        coupons.device("printer")
    cash = ScopedRuntime(runtime, "pay_cash", manifest_of("plugins.pay_cash").permissions)
    assert cash.device("changer") is None  # declared; this kiosk opened no hardware
    # the public methods pass through, and the view is "the runtime" to the UI's code
    assert coupons.sale_view() == runtime.sale_view()
    assert coupons == runtime and hash(coupons) == hash(cash)


def test_a_vendor_gets_the_same_capabilities_as_a_builtin(tmp_path):
    """GIVEN a vendor's folder plugin that declares devices WHEN its hook runs THEN it gets
    the same view a built-in does: its own values and a declared device."""
    folder = tmp_path / "acme_scale"
    folder.mkdir()
    (folder / "plugin.toml").write_text(
        'name = "acme_scale"\nversion = "1"\nmodule = "acme_scale"\n'
        'hooks = ["kiosk_startup"]\npermissions = ["devices"]\n',
        encoding="utf-8",
    )
    (folder / "__init__.py").write_text(
        "from kiosk.hookspecs import hookimpl\nSEEN = {}\n\n"
        "@hookimpl\ndef kiosk_startup(runtime):\n"
        "    SEEN['device'] = runtime.device('scale')\n"
        "    runtime.store_value('acme_scale.zero', 3)\n"
        "    SEEN['zero'] = runtime.stored_value('acme_scale.zero')\n",
        encoding="utf-8",
    )
    values: dict[str, Any] = {}
    raw = types.SimpleNamespace(
        device=lambda role: f"the {role}",
        stored_value=lambda key, default=None: values.get(key, default),
        store_value=values.__setitem__,
    )
    host = PluginHost()
    assert host.load_folder(folder) == "acme_scale"
    host.call("kiosk_startup", runtime=raw)
    assert host.problems == []
    import acme_scale  # type: ignore[import-not-found]

    assert acme_scale.SEEN == {"device": "the scale", "zero": 3}
    assert values == {"acme_scale.zero": 3}


def test_values_kept_before_the_upgrade_are_read_by_the_scoped_builtins(make_runtime, tmp_path):
    """GIVEN a store where pay_card kept its offline total, hand-off its used tickets and
    coupons and loyalty their feed cursors, written as the unscoped runtime did before this
    version WHEN the kiosk starts again with scoped built-ins THEN each plugin reads its
    own (no lost data, no feed pulled again from the start)."""
    data = tmp_path / "upgraded"
    before = make_runtime(data_dir=data)
    before.store_value(OFFLINE_USED_KEY, 4_200)  # "pay_card.offline_used"
    before.store_value(USED_KEY, ["H-1", "H-2"])  # "handoff.used"
    before.store_value("sync.feed.coupons", 120)
    before.store_value("sync.feed.loyalty", 340)
    before.shutdown()

    caps = {"offline_per_payment_cap": 10_000, "offline_total_cap": 50_000}
    after = make_runtime(data_dir=data, plugin_config={"pay_card": caps})
    card = after.method("card")
    assert card.saf is not None and card.saf.used == 4_200
    handoff = after.host.pm.get_plugin("plugins.handoff.plugin")
    assert handoff.receiver.used() == ["H-1", "H-2"]
    assert after.host.pm.get_plugin("plugins.coupons").feed.cursor == 120
    assert after.host.pm.get_plugin("plugins.loyalty").feed.cursor == 340
    # and they keep writing the same rows
    handoff.receiver.mark_used("H-3")
    assert after.stored_value(USED_KEY) == ["H-1", "H-2", "H-3"]
    card.saf.reserve(800)
    assert after.stored_value(OFFLINE_USED_KEY) == 5_000


def test_a_plugin_finds_its_own_plugin_through_plugin_api_and_no_other(make_runtime):
    """GIVEN a kiosk with tax-free and loyalty WHEN a plugin's scoped runtime (its screens'
    ``ctl.runtime``) asks ``plugin_api`` THEN it gets its own plugin — what the built-in
    helpers (desk_for, loyalty_for…) use instead of the host — and another plugin's name is
    refused; the kiosk's own runtime finds any published plugin, and a disabled one is gone."""
    from plugins.loyalty import loyalty_for
    from plugins.tax_free.plugin import desk_for

    runtime = make_runtime(plugin_config={"tax_free": {"enabled": True, "store_code": "T1"}})
    tax_free = runtime.host.runtime_for("plugins.tax_free", runtime)
    assert tax_free.plugin_api("tax_free") is runtime.host.pm.get_plugin("plugins.tax_free")
    assert desk_for(tax_free) is desk_for(runtime) is not None
    with pytest.raises(PluginAccessDenied, match="only its own plugin_api, not 'loyalty'"):
        tax_free.plugin_api("loyalty")
    with pytest.raises(PluginAccessDenied):
        loyalty_for(tax_free)
    loyalty = runtime.host.runtime_for("plugins.loyalty", runtime)
    assert loyalty_for(loyalty) is loyalty_for(runtime)
    with pytest.raises(LookupError, match="publishes no API"):
        runtime.plugin_api("pay_cash")
    runtime.host.disable("plugins.loyalty", "test", "turned off")
    with pytest.raises(LookupError, match="not loaded"):
        runtime.plugin_api("loyalty")
