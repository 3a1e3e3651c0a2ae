"""Every built-in plugin folder has a manifest (plugin.toml) that matches its code: name,
module, the hooks it implements, its settings table, known permissions, and a catalogue in
each of the four languages it declares."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from kiosk.plugin_manifest import ManifestError, check_manifest, load_manifest
from kiosk.plugins import BUILTIN_PLUGINS

ROOT = Path(__file__).resolve().parents[2]


def _folder(module: str) -> Path:
    """plugins.<name>[.<module>] → plugins/<name>."""
    return ROOT.joinpath(*module.split(".")[:2])


@pytest.mark.parametrize("module", BUILTIN_PLUGINS)
def test_the_manifest_matches_the_plugin(module):
    loaded = importlib.import_module(module)
    factory = getattr(loaded, "Plugin", None)
    plugin = factory() if callable(factory) else loaded
    table = plugin.kiosk_plugin_settings()[0] if hasattr(plugin, "kiosk_plugin_settings") else None
    folder = _folder(module)
    assert check_manifest(folder, plugin, table) == []
    manifest = load_manifest(folder)
    assert manifest.name == folder.name and manifest.module == module


def test_every_plugin_folder_has_one():
    folders = {p.parent.name for p in (ROOT / "plugins").glob("*/__init__.py")}
    assert folders == {p.parent.name for p in (ROOT / "plugins").glob("*/plugin.toml")}


def test_a_bad_manifest_is_one_line_naming_file_and_key(tmp_path):
    (tmp_path / "plugin.toml").write_text(
        'name = "x"\nversion = "1"\nmodule = "x"\nhooks = []\nhook = []\n', encoding="utf-8"
    )
    with pytest.raises(ManifestError, match=r"plugin.toml: hook: Extra inputs"):
        load_manifest(tmp_path)
    (tmp_path / "plugin.toml").write_text(
        'name = "x"\nversion = "1"\nmodule = "x"\nhooks = []\npermissions = ["root"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ManifestError, match="permissions: unknown root"):
        load_manifest(tmp_path)


def test_a_manifest_that_drifted_from_the_code_is_named(tmp_path):
    """GIVEN a manifest listing a hook the plugin does not implement and missing one it does
    THEN both are named."""
    from kiosk.hookspecs import hookimpl

    class Plugin:
        @hookimpl
        def kiosk_startup(self, runtime):
            pass

    (tmp_path / "plugin.toml").write_text(
        'name = "x"\nversion = "1"\nmodule = "x"\nhooks = ["kiosk_shutdown"]\n', encoding="utf-8"
    )
    (problem,) = check_manifest(tmp_path, Plugin(), None)
    assert "kiosk_startup" in problem and "kiosk_shutdown" in problem


def test_a_catalogue_the_manifest_does_not_declare_is_named(tmp_path):
    """GIVEN a plugin folder with locale/ WHEN its manifest has no [translations], or
    declares fewer than the four shopper languages THEN check_manifest says so."""
    (tmp_path / "locale" / "ja" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locale" / "ja" / "LC_MESSAGES" / "x.po").write_text("", encoding="utf-8")
    base = 'name = "x"\nversion = "1"\nmodule = "x"\nhooks = []\n'
    (tmp_path / "plugin.toml").write_text(base, encoding="utf-8")
    assert check_manifest(tmp_path, object(), None) == [
        "translations: the plugin has locale/ but the manifest declares none"
    ]
    (tmp_path / "plugin.toml").write_text(
        base + '[translations]\ndomain = "x"\nlanguages = ["ja"]\n', encoding="utf-8"
    )
    (problem,) = check_manifest(tmp_path, object(), None)
    assert "every shopper language" in problem and "zh-Hans" in problem
