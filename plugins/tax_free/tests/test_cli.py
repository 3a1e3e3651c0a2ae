"""``kiosk tax-free ledger``: the plugin's own command, added through ``kiosk_cli_commands``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main

ROOT = Path(__file__).resolve().parents[3]


def _config(tmp_path: Path) -> Path:
    default = ROOT / "kiosk" / "default_config.toml"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        default.read_text(encoding="utf-8")
        + '\n[plugins.tax_free]\nenabled = true\nstore_code = "TF-0001"\n',
        encoding="utf-8",
    )
    return config


def test_tax_free_ledger_command(tmp_path, capsys):
    """GIVEN tax-free enabled WHEN staff run `kiosk tax-free ledger` THEN the ledger prints;
    GIVEN it is not enabled THEN one line says so and the exit code is 1."""
    args = ["--config", str(_config(tmp_path)), "--data-dir", str(tmp_path / "d")]
    assert main([*args, "tax-free", "ledger"]) == 0
    assert "sale date" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "e"), "tax-free", "ledger"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk: tax-free ledger unavailable:") and "not enabled" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_kiosk_help_lists_the_plugin_command(capsys):
    """GIVEN the built-in plugins WHEN `kiosk --help` THEN the tax-free command is listed with
    the core's; `kiosk tax-free --help` lists its own subcommand."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "tax-free (免税) commands" in out and "doctor" in out
    with pytest.raises(SystemExit):
        main(["tax-free", "--help"])
    assert "ledger" in capsys.readouterr().out


def test_the_plugin_command_help_follows_the_operators_language(capsys, monkeypatch):
    """GIVEN a Japanese terminal (LC_ALL) WHEN `kiosk --help` and `kiosk tax-free --help` THEN
    the plugin's command and subcommand are described in Japanese, as the core's are."""
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "免税のコマンド" in out and "tax-free (免税) commands" not in out
    with pytest.raises(SystemExit):
        main(["tax-free", "--help"])
    out = capsys.readouterr().out
    assert "免税の返金台帳" in out and "the refund ledger" not in out


def test_the_hook_returns_the_command():
    """The plugin answers kiosk_cli_commands with a checked CliCommand."""
    from kiosk.cli_commands import cli_command
    from kiosk.plugins import PluginHost

    host = PluginHost()
    host.load_builtins(["plugins.tax_free"])
    (command,) = host.call_each("kiosk_cli_commands")
    assert command.name == "tax-free" and cli_command(command) is None
    assert host.problems == []
