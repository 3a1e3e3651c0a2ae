"""The built-in camera scanner plugin: ``kiosk_scan_sources`` from the store's settings.

``[plugins.scanner_camera]`` in ``kiosk.toml`` configures it (see
:class:`~plugins.scanner_camera.config.CameraScannerConfig`); without settings the camera
is off and the hook returns no source. A wrong setting raises
:class:`~plugins.scanner_camera.config.CameraConfigError`, which names the key.
"""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from plugins.scanner_camera.config import CameraScannerConfig, CameraSettingsTable
from plugins.scanner_camera.source import CameraScanSource

PLUGIN_NAME = "scanner_camera"


@hookimpl
def kiosk_plugin_settings() -> tuple[str, type[CameraSettingsTable]]:
    # the keys and types, checked when kiosk.toml is read; the values' meaning by
    # CameraScannerConfig.from_settings (CameraConfigError names the key)
    return PLUGIN_NAME, CameraSettingsTable


@hookimpl
def kiosk_scan_sources(runtime: Any) -> list[CameraScanSource]:
    settings = runtime.config.plugin_settings(PLUGIN_NAME)
    if not settings:
        return []
    return [CameraScanSource(CameraScannerConfig.from_settings(settings))]
