"""`kiosk run`: the store's start. Checked as a newcomer runs it, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


#: what the store's /etc/kiosk/kiosk.env gives a kiosk made from examples/kiosk.toml (the
#: example names the back office but keeps its token out of the file)
STORE_ENV = {"KIOSK_BACKOFFICE__TOKEN": "K01.from-kiosk-env"}


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | STORE_ENV
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
    assert result.stderr == (
        "kiosk: configuration error: /etc/kiosk/kiosk.toml: no such configuration file "
        "(give the right path with --config)\n"
    )


def test_a_missing_config_file_is_one_clear_line_naming_it(tmp_path):
    """`kiosk run --config /nope.toml` said "/nope.toml: [-] cannot read: …"."""
    missing = tmp_path / "nope.toml"
    result = kiosk("run", "--check", "--config", str(missing))
    assert result.returncode == 2
    assert result.stderr == (
        f"kiosk: configuration error: {missing}: no such configuration file "
        "(give the right path with --config)\n"
    )
    unreadable = tmp_path / "kiosk.toml"
    unreadable.mkdir()  # a directory: read, not found, fails
    result = kiosk("run", "--check", "--config", str(unreadable))
    assert result.returncode == 2 and "[-]" not in result.stderr
    assert f"{unreadable}: cannot read the configuration file: Is a directory" in result.stderr


def _example_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "examples" / "kiosk.toml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "kiosk.toml"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    return bad


def test_run_check_names_a_misspelt_built_in_plugin(tmp_path):
    """GIVEN [plugins] builtin with "plugins.pay_qrr" WHEN `kiosk run --check`
    THEN exit 2 naming file and key, not "configuration OK" with one payment method less."""
    bad = _example_with(tmp_path, '"plugins.pay_qr",', '"plugins.pay_qrr",')
    result = kiosk("run", "--check", "--config", str(bad))
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{bad}: [plugins.builtin] no plugin module 'plugins.pay_qrr'" in result.stderr


def test_run_check_names_a_back_office_url_that_is_no_address(tmp_path):
    bad = _example_with(tmp_path, 'url = "http://192.168.10.2:8800"', 'url = "192.168.10.2:8800"')
    result = kiosk("run", "--check", "--config", str(bad))
    assert result.returncode == 2, result.stdout
    assert f"{bad}: [backoffice.url] must be an http:// or https:// address" in result.stderr


def test_run_check_names_the_site_file_for_an_unknown_hardware_profile(tmp_path):
    """The mistake is in the site file's [kiosk] hardware_profile, not in the profile folder."""
    bad = _example_with(tmp_path, '"epson-tm-serial-changer"', '"epson-tm-serial-chnager"')
    result = kiosk("run", "--check", "--config", str(bad))
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(
        f"kiosk: configuration error: {bad}: [kiosk.hardware_profile] no hardware profile "
        "'epson-tm-serial-chnager'"
    ), result.stderr


def test_run_check_warns_of_an_allowed_plugin_that_was_refused(tmp_path):
    """GIVEN the allow-list trusting a version that is not the one installed
    WHEN `kiosk run --check` THEN a warning line names [plugins.allow], the plugin and why
    (the kiosk starts without it and tells staff: the check, the systemd unit's
    ExecStartPre, does not stop the start); with a settings table for it, the table's error
    says the plugin did not load instead of "no loaded plugin reads this table"."""
    allow = (
        'allow = [{ entry_point = "example_pay", distribution = "kiosk-pay-example", '
        'version = "9.9.9" }]'
    )
    bad = _example_with(tmp_path, "allow = []", allow)
    result = kiosk("run", "--check", "--config", str(bad))
    assert result.returncode == 0, result.stderr
    assert "configuration OK" in result.stdout
    warning = [line for line in result.stderr.splitlines() if line.startswith("kiosk: warning")]
    assert len(warning) == 1, result.stderr
    assert warning[0].startswith(f"kiosk: warning: {bad}: plugin 'example_pay' refused: ")
    assert "9.9.9" in warning[0]
    bad.write_text(bad.read_text(encoding="utf-8") + "\n[plugins.example_pay]\nx = 1\n")
    result = kiosk("run", "--check", "--config", str(bad))
    assert result.returncode == 2
    assert f"{bad}: [plugins.example_pay] its plugin refused: " in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "key", "says"),
    [
        ('driver = "escpos"', 'driver = "epsn"', "printer.driver", "no driver 'epsn'"),
        ("baudrate = 115200", "baudrat = 115200", "main_scanner.options", "'baudrat'"),
    ],
    ids=["misspelt-driver", "misspelt-option"],
)
def test_run_check_names_a_misspelt_driver_or_option_in_the_profile(tmp_path, old, new, key, says):
    """GIVEN the store's hardware profile with a misspelt driver or option WHEN `kiosk run
    --check` (the unit's ExecStartPre) THEN exit 2 with one line naming the profile and the
    key, nothing opened; it said "configuration OK" and the start itself then failed."""
    text = (ROOT / "hardware_profiles" / "epson-tm-serial-changer.toml").read_text("utf-8")
    assert old in text
    profile = tmp_path / "store.toml"
    profile.write_text(text.replace(old, new, 1), encoding="utf-8")
    bad = _example_with(tmp_path, '"epson-tm-serial-changer"', f'"{profile}"')
    result = kiosk("run", "--check", "--config", str(bad))
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{profile} [devices.{key}]" in result.stderr and says in result.stderr
