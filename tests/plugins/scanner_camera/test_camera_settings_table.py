"""GIVEN ``[plugins.scanner_camera]`` in kiosk.toml WHEN the kiosk reads it THEN a misspelt
key or a value of the wrong type stops it with one line naming the file, the table and the
key — before any camera is opened: the table is declared (``kiosk_plugin_settings``)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.app import build_runtime
from kiosk.config import ConfigError, load_config
from plugins.scanner_camera.config import CameraScannerConfig, CameraSettingsTable

ROOT = Path(__file__).resolve().parents[3]


def _site(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "kiosk.toml"
    default = (ROOT / "kiosk" / "default_config.toml").read_text(encoding="utf-8")
    path.write_text(default + "\n[plugins.scanner_camera]\n" + table, encoding="utf-8")
    return path


def test_a_misspelt_camera_key_stops_the_kiosk_naming_it(tmp_path):
    path = _site(tmp_path, f'source = "folder:{tmp_path}"\nagree_frame = 3\n')
    with pytest.raises(ConfigError) as info:
        build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))
    assert str(info.value).startswith(
        f"{path}: [plugins.scanner_camera.agree_frame] unknown key (known:"
    )


def test_a_camera_value_of_the_wrong_type_is_named(tmp_path):
    path = _site(tmp_path, f'source = "folder:{tmp_path}"\npreview = "sometimes"\n')
    with pytest.raises(ConfigError, match=r"\[plugins.scanner_camera.preview\]"):
        build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))


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
        "name": "front camera",
    }
    CameraSettingsTable.model_validate(table)
    CameraSettingsTable.model_validate({"cooldown": 2, "resolution": [1280, 720]})
    config = CameraScannerConfig.from_settings(table)
    assert config.resolution == (1920, 1080)
    assert config.agree_frames == 3
