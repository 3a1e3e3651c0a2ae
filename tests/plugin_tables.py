"""Helpers for the tests of a plugin's declared settings table (``kiosk_plugin_settings``):
a site file with ``[plugins.<name>]`` on the built-in defaults, and what the kiosk says."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app import build_runtime
from kiosk.config import ConfigError, load_config
from kiosk.runtime import KioskRuntime

ROOT = Path(__file__).resolve().parents[1]


def site_with_table(tmp_path: Path, name: str, body: str) -> Path:
    """``kiosk.toml`` in ``tmp_path``: the built-in defaults plus ``[plugins.<name>]`` + body."""
    path = tmp_path / "kiosk.toml"
    default = (ROOT / "kiosk" / "default_config.toml").read_text(encoding="utf-8")
    path.write_text(f"{default}\n[plugins.{name}]\n{body}", encoding="utf-8")
    return path


def start(path: Path, tmp_path: Path) -> KioskRuntime:
    """The kiosk of the site file ``path``, started on a data folder in ``tmp_path``."""
    return build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))


def refusal(path: Path, tmp_path: Path) -> str:
    """The one-line-per-problem message the kiosk stops with on the site file ``path``."""
    with pytest.raises(ConfigError) as info:
        start(path, tmp_path)
    return str(info.value)
