"""The runtime's wiring: every hook has a caller, plugin drivers reach the hardware profile,
the profile's scanner reaches the checkout."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kiosk import hookspecs
from kiosk.devices.profiles import ProfileError

ROOT = Path(__file__).resolve().parents[2]
VENDOR = "tests.runtime.vendor_driver_plugin"


def _hook_names() -> list[str]:
    tree = ast.parse((ROOT / "kiosk" / "hookspecs.py").read_text(encoding="utf-8"))
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


def test_every_hookspec_is_called_by_the_runtime_not_only_by_tests():
    """GIVEN every hook in kiosk/hookspecs.py WHEN the shipped code (kiosk/, plugins/) is
    searched for a call through the plugin host THEN each hook has at least one call site."""
    names = _hook_names()
    assert set(names) == {n for n in dir(hookspecs) if n.startswith("kiosk_")}
    sources = [
        p.read_text(encoding="utf-8")
        for folder in ("kiosk", "plugins")
        for p in (ROOT / folder).rglob("*.py")
        if p.name != "hookspecs.py"
    ]
    call = re.compile(
        r"""(?:(?:call|call_first|call_each|call_by_plugin|plugin_results)\(|in_load_order\(\s*\w+,)"""
        r"""\s*["'](kiosk_\w+)["']"""
    )
    called = {name for text in sources for name in call.findall(text)}
    missing = [name for name in names if name not in called]
    assert not missing, f"hooks without a call site in kiosk/ or plugins/: {missing}"


def test_a_plugin_driver_named_by_the_profile_is_opened(make_runtime, tmp_path):
    """GIVEN a vendor plugin adding driver "vendor-x" and a profile naming it WHEN the kiosk
    starts with its hardware THEN the main scanner runs on the vendor's driver and its scans
    reach the checkout."""
    profile = tmp_path / "vendor.toml"
    profile.write_text(
        '[kiosk]\nmodel = "Vendor X"\n[devices.main_scanner]\ndriver = "vendor-x"\n',
        encoding="utf-8",
    )
    runtime = make_runtime(
        hardware=True, hardware_profile=str(profile), builtin_plugins=("plugins.pay_cash", VENDOR)
    )
    scanner = runtime.devices.main_scanner
    assert type(scanner.driver).__name__ == "VendorScanner"
    runtime.start_scan_sources(runtime.handle_scan)
    scanner.driver.inject_scan("4901234000018")
    assert runtime.checkout.totals.total == 150


def test_without_the_plugin_the_profile_names_an_unknown_driver(make_runtime, tmp_path):
    profile = tmp_path / "vendor.toml"
    profile.write_text(
        '[kiosk]\nmodel = "Vendor X"\n[devices.main_scanner]\ndriver = "vendor-x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="vendor-x"):
        make_runtime(hardware=True, hardware_profile=str(profile), builtin_plugins=())


def test_stopping_scan_sources_twice_stops_each_once(make_runtime):
    runtime = make_runtime(hardware=True)
    sources = runtime.start_scan_sources(runtime.handle_scan)
    assert sources
    runtime.stop_scan_sources()
    runtime.stop_scan_sources()
    runtime.devices.main_scanner.driver.inject_scan("4901234000018")
    assert runtime.checkout.totals.total == 0
