"""GIVEN ``[plugins.scanner_camera]`` in kiosk.toml WHEN the kiosk reads it THEN a misspelt
key or a value of the wrong type stops it with one line naming the file, the table and the
key — before any camera is opened: the table is declared (``kiosk_plugin_settings``)."""

from __future__ import annotations

from dataclasses import fields

from plugins.scanner_camera.config import CameraScannerConfig, CameraSettingsTable
from tests.plugin_tables import refusal, site_with_table


def test_a_misspelt_camera_key_stops_the_kiosk_naming_it(tmp_path):
    body = f'source = "folder:{tmp_path}"\nagree_frame = 3\n'
    path = site_with_table(tmp_path, "scanner_camera", body)
    message = refusal(path, tmp_path)
    assert message.startswith(f"{path}: [plugins.scanner_camera.agree_frame] unknown key (known:")


def test_a_camera_value_of_the_wrong_type_is_named(tmp_path):
    body = f'source = "folder:{tmp_path}"\npreview = "sometimes"\n'
    path = site_with_table(tmp_path, "scanner_camera", body)
    assert f"{path}: [plugins.scanner_camera.preview]" in refusal(path, tmp_path)


def test_every_key_the_camera_reads_is_declared(tmp_path):
    assert set(CameraSettingsTable.model_fields) == {f.name for f in fields(CameraScannerConfig)}
    table = {
        "source": f"folder:{tmp_path}",
        "agree_frames": 3,
        "agree_within": 0.4,
        "cooldown": "until_gone",
        "gone_after": 1.5,
        "formats": ["EAN13", "QR"],
        "preview": True,
        "resolution": "1920x1080",
        "fps": 15,
        "loop": True,
        "fallback": False,
        "fallback_budget_ms": 200,
        "name": "front camera",
    }
    CameraSettingsTable.model_validate(table)
    CameraSettingsTable.model_validate({"cooldown": 2, "resolution": [1280, 720]})
    config = CameraScannerConfig.from_settings(table)
    assert config.resolution == (1920, 1080)
    assert config.agree_frames == 3
    assert config.fallback_budget_ms == 200


def test_a_fallback_budget_that_is_not_a_whole_number_is_named(tmp_path):
    body = f'source = "folder:{tmp_path}"\nfallback_budget_ms = "fast"\n'
    path = site_with_table(tmp_path, "scanner_camera", body)
    assert f"{path}: [plugins.scanner_camera.fallback_budget_ms]" in refusal(path, tmp_path)
