"""The hook the kiosk calls: kiosk_scan_sources builds a source from the store's settings."""

from __future__ import annotations

from types import SimpleNamespace

import pluggy
import pytest

from kiosk import hookspecs
from plugins.scanner_camera import plugin
from plugins.scanner_camera.config import CameraConfigError
from plugins.scanner_camera.source import CameraScanSource


def runtime_with(settings: dict | None):
    configs = {"scanner_camera": settings} if settings is not None else {}
    config = SimpleNamespace(plugin_settings=lambda name: dict(configs.get(name) or {}))
    return SimpleNamespace(config=config)


@pytest.mark.parametrize("settings", [None, {}])
def test_function_no_settings_no_camera(settings):
    assert plugin.kiosk_scan_sources(runtime_with(settings)) == []


def test_function_settings_give_one_unstarted_source(tmp_path):
    sources = plugin.kiosk_scan_sources(runtime_with({"source": f"folder:{tmp_path}"}))
    assert len(sources) == 1
    (source,) = sources
    assert isinstance(source, CameraScanSource)
    assert source.name == "camera"
    assert source.stats.frames_read == 0  # nothing opened before start()


def test_function_bad_settings_raise_a_config_error():
    with pytest.raises(CameraConfigError, match="agree_frames"):
        plugin.kiosk_scan_sources(runtime_with({"source": "v4l2:0", "agree_frames": 0}))


def test_function_registers_with_the_kiosk_hookspecs(tmp_path):
    pm = pluggy.PluginManager("kiosk")
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name="scanner_camera")
    pm.check_pending()
    results = pm.hook.kiosk_scan_sources(runtime=runtime_with({"source": f"folder:{tmp_path}"}))
    assert [type(s) for group in results for s in group] == [CameraScanSource]
