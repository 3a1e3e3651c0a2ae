"""`kiosk run`: the store's start. Checked as a newcomer runs it, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=clean | (env or {}),
    )


def test_run_with_a_misspelt_plugin_key_exits_non_zero_with_one_line(tmp_path):
    """GIVEN the example file with host misspelt in [plugins.pay_card]
    WHEN `kiosk run --config FILE`
    THEN it exits 2 before opening anything, with one line naming file, section and key."""
    text = (ROOT / "examples" / "kiosk.toml").read_text(encoding="utf-8")
    bad = tmp_path / "kiosk.toml"
    bad.write_text(text.replace('host = "192.168', 'hots = "192.168'), encoding="utf-8")
    result = kiosk("--data-dir", str(tmp_path / "d"), "run", "--config", str(bad))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{bad}: [plugins.pay_card.hots] unknown key" in result.stderr
    assert not (tmp_path / "d").exists()  # nothing opened, nothing written


def test_run_with_a_bad_core_value_exits_non_zero_with_one_line(tmp_path):
    text = (ROOT / "examples" / "kiosk.toml").read_text(encoding="utf-8")
    bad = tmp_path / "kiosk.toml"
    bad.write_text(text.replace("receipt_width = 42", 'receipt_width = "wide"'), encoding="utf-8")
    result = kiosk("run", "--config", str(bad))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"{bad}: [kiosk.receipt_width]" in result.stderr and "'wide'" in result.stderr


def test_run_check_accepts_the_example_and_takes_the_environment(tmp_path):
    example = str(ROOT / "examples" / "kiosk.toml")
    ok = kiosk("run", "--check", "--config", example, env={"KIOSK_KIOSK__ID": "K42"})
    assert ok.returncode == 0, ok.stderr
    assert "kiosk K42" in ok.stdout
    bad = kiosk("run", "--check", "--config", example, env={"KIOSK_PLUGINS__PAY_QR__BASE_URL": "x"})
    assert bad.returncode == 2
    assert bad.stderr.startswith(
        "kiosk: configuration error: environment KIOSK_PLUGINS__PAY_QR__BASE_URL: "
        "[plugins.pay_qr.base_url]"
    )


def test_run_never_falls_back_to_the_demo_store(tmp_path):
    """GIVEN no --config and no /etc/kiosk/kiosk.toml WHEN `kiosk run` THEN an error, not
    the demo store with its simulators."""
    if Path("/etc/kiosk/kiosk.toml").exists():  # a real kiosk: nothing to show here
        return
    result = kiosk("run", "--check")
    assert result.returncode == 2
    assert "/etc/kiosk/kiosk.toml: [-] cannot read" in result.stderr
