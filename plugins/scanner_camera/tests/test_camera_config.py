"""Settings: defaults, and errors that name the key and say what to write."""

from __future__ import annotations

import pytest

from kiosk.domain.scan import Symbology
from plugins.scanner_camera.config import (
    RETAIL_FORMATS,
    UNTIL_GONE,
    CameraConfigError,
    CameraScannerConfig,
    SourceKind,
)


def test_function_defaults():
    config = CameraScannerConfig.from_settings({"source": "v4l2:/dev/video0"})
    assert config.source.kind is SourceKind.V4L2 and config.source.target == "/dev/video0"
    assert config.agree_frames == 2
    assert config.cooldown == UNTIL_GONE and config.cooldown_seconds is None
    assert config.formats == RETAIL_FORMATS
    assert config.preview is False
    assert config.resolution == (1280, 720)
    assert config.fallback_budget_ms == 150


def test_function_all_settings(tmp_path):
    video = tmp_path / "demo.mp4"
    video.write_bytes(b"")
    config = CameraScannerConfig.from_settings(
        {
            "source": f"file:{video}",
            "agree_frames": 3,
            "cooldown": 2.5,
            "gone_after": 0.5,
            "formats": ["ean13", "QR"],
            "preview": True,
            "resolution": "640x480",
            "fps": 15,
            "loop": True,
            "fallback": False,
            "fallback_budget_ms": 0,
            "name": "camera-left",
        }
    )
    assert config.cooldown_seconds == 2.5
    assert config.formats == (Symbology.EAN13, Symbology.QR)
    assert config.resolution == (640, 480)
    assert config.fallback_budget_ms == 0
    assert (config.fps, config.loop, config.fallback, config.name) == (
        15.0,
        True,
        False,
        "camera-left",
    )


@pytest.mark.parametrize(
    ("settings", "key", "hint"),
    [
        ({}, "source", "v4l2:/dev/video0"),
        ({"source": "/dev/video0"}, "source", "<kind>:<where>"),
        ({"source": "usb:/dev/video0"}, "source", "v4l2, file, folder"),
        ({"source": "folder:/no/such/folder"}, "source", "does not exist"),
        ({"source": "v4l2:0", "agree_frames": 0}, "agree_frames", "from 1 to 30"),
        ({"source": "v4l2:0", "agree_frames": True}, "agree_frames", "whole number"),
        ({"source": "v4l2:0", "cooldown": "forever"}, "cooldown", "until_gone"),
        ({"source": "v4l2:0", "cooldown": -1}, "cooldown", "greater than 0"),
        ({"source": "v4l2:0", "formats": "EAN13"}, "formats", "list"),
        ({"source": "v4l2:0", "formats": ["PDF417"]}, "formats", "choose from"),
        ({"source": "v4l2:0", "preview": "yes"}, "preview", "true or false"),
        ({"source": "v4l2:0", "resolution": "big"}, "resolution", "1280x720"),
        ({"source": "v4l2:0", "fallback_budget_ms": -1}, "fallback_budget_ms", "from 0 to 60000"),
        ({"source": "v4l2:0", "fallback_budget_ms": 0.5}, "fallback_budget_ms", "whole number"),
        ({"source": "v4l2:0", "agree_frame": 2}, "agree_frame", "known settings"),
    ],
)
def test_function_errors_name_the_key(settings, key, hint):
    with pytest.raises(CameraConfigError) as info:
        CameraScannerConfig.from_settings(settings)
    assert info.value.key == key
    assert hint in str(info.value)
    assert str(info.value).startswith("[plugins.scanner_camera]")
