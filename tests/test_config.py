"""kiosk.toml: layers (defaults < demo/site file < environment), strict keys, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app import build_runtime
from kiosk.config import DEFAULT_CONFIG, ConfigError, load_config
from kiosk.plugins import PluginHost
from kiosk.staff import hash_pin, verify_pin
from plugins.pay_card import PayCardSettings

SITE = """\
[kiosk]
id = "K07"
hardware_profile = "epson-tm-serial-changer"

[store]
name = "さくらマート 新宿店"
registration_number = "T5835678256246"
"""


def site(tmp_path: Path, extra: str = "", base: str = SITE) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(base + extra, encoding="utf-8")
    return path


def test_site_file_layers_on_the_built_in_defaults_not_on_the_demo(tmp_path):
    """GIVEN a site file with only identity WHEN loaded THEN the rest are built-in defaults
    and nothing of the demo store (its simulators) comes along."""
    config = load_config(site(tmp_path), environ={})
    assert config.kiosk_id == "K07" and config.issuer.name == "さくらマート 新宿店"
    assert config.receipt_width == 42 and config.theme == "default" and not config.open_hardware
    assert config.plugin_config == {}
    assert config.origin("kiosk", "id") == str(tmp_path / "kiosk.toml")


def test_environment_overrides_the_file_and_is_named_as_the_origin(tmp_path):
    env = {
        "KIOSK_KIOSK__RECEIPT_WIDTH": "32",
        "KIOSK_BACKOFFICE__TOKEN": "s3cret",
        "KIOSK_PLUGINS__PAY_CARD__HOST": "10.0.0.5",
        "KIOSK_PLUGINS__BUILTIN": '["plugins.pay_card"]',
        "KIOSK_HARDWARE_PROFILES": "/not/a/config/key",  # no "__": not a setting
    }
    config = load_config(site(tmp_path), environ=env)
    assert config.receipt_width == 32
    assert config.backoffice_token == "s3cret"
    assert config.plugin_settings("pay_card") == {"host": "10.0.0.5"}
    assert config.builtin_plugins == ("plugins.pay_card",)
    assert (
        config.origin("plugins", "pay_card", "host") == "environment KIOSK_PLUGINS__PAY_CARD__HOST"
    )


def test_demo_layer_under_a_site_file_for_kiosk_demo(tmp_path):
    """GIVEN `kiosk demo --config site` THEN the demo store is the base and the site wins."""
    config = load_config(site(tmp_path, base='[kiosk]\nid = "K09"\n'), demo=True, environ={})
    assert config.kiosk_id == "K09"
    assert config.hardware_profile == "simulated"  # from the demo layer
    assert config.plugin_settings("pay_card") == {"simulate": True}


def test_no_file_is_the_demo_store():
    config = load_config(None, environ={})
    assert config.source == str(DEFAULT_CONFIG) and config.kiosk_id == "K01"


def test_unknown_key_names_file_section_and_key(tmp_path):
    path = site(tmp_path, "\n[checkout]\nroundign = 'ceil'\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    message = str(info.value)
    assert message.startswith(f"{path}: [checkout.roundign] unknown key")
    assert "removal_needs_approval, rounding" in message
    assert "\n" not in message


def test_bad_type_names_the_key_and_what_was_given(tmp_path):
    path = site(tmp_path, '\n[checkout]\nremoval_needs_approval = "maybe"\n')
    with pytest.raises(ConfigError, match=r"\[checkout.removal_needs_approval\] .*bool.*'maybe'"):
        load_config(path, environ={})


@pytest.mark.parametrize(
    ("table", "line", "shown"),
    [
        ("kiosk", 'receipt_width = "42"', r"\[kiosk.receipt_width\] .*integer.*'42'"),
        ("kiosk", "receipt_width = 42.0", r"\[kiosk.receipt_width\] .*integer.*42.0"),
        ("kiosk", "open_hardware = 1", r"\[kiosk.open_hardware\] .*bool.*1"),
        ("checkout", 'removal_needs_approval = "true"', r"\[checkout.removal_needs_approval\]"),
        ("checkout", 'weigh_min_g = "20"', r"\[checkout.weigh_min_g\] .*integer"),
        ("staff", 'lockout_seconds = "300"', r"\[staff.lockout_seconds\] .*number"),
        ("backoffice", "token = 12345", r"\[backoffice.token\] .*string.*hidden"),
        ("ui", 'dpi = "141"', r"\[ui.dpi\] .*number.*'141'"),
        ("ui", "kiosk_mode = 1", r"\[ui.kiosk_mode\] .*bool"),
        ("plugins.pay_card", 'port = "9100"', r"\[plugins.pay_card.port\] .*integer.*'9100'"),
    ],
)
def test_a_value_of_the_wrong_toml_type_is_refused_not_converted(tmp_path, table, line, shown):
    """``receipt_width = "42"`` was taken as 42: every section's typed keys refuse the wrong
    TOML type, naming the file, the section and the key."""
    if table == "kiosk":
        path = site(tmp_path, base=SITE.replace("[kiosk]\n", f"[kiosk]\n{line}\n"))
    else:
        path = site(tmp_path, f"\n[{table}]\n{line}\n")
    with pytest.raises(ConfigError, match=shown) as info:
        # plugin tables are checked when the plugins load
        build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))
    assert str(info.value).startswith(f"{path}: [{table}.")


def test_environment_text_is_still_converted(tmp_path):
    env = {
        "KIOSK_KIOSK__RECEIPT_WIDTH": "32",
        "KIOSK_KIOSK__OPEN_HARDWARE": "false",
        "KIOSK_UI__DPI": "141",
    }
    config = load_config(site(tmp_path), environ=env)
    assert config.receipt_width == 32 and config.open_hardware is False
    assert config.ui["dpi"] == 141


def test_every_problem_in_one_line(tmp_path):
    """GIVEN three mistakes WHEN loaded THEN one line names each (missing profile, bad
    registration number, unknown section)."""
    text = (
        '[kiosk]\nid = "K1"\n[store]\nname = "x"\nregistration_number = "T1234567890123"\n[kisok]\n'
    )
    with pytest.raises(ConfigError) as info:
        load_config(site(tmp_path, base=text), environ={})
    message = str(info.value)
    assert "\n" not in message
    for key in ("[kiosk.hardware_profile] missing", "[store.registration_number]", "[kisok]"):
        assert key in message


def test_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(site(tmp_path), environ={"KIOSK_KIOSK__OPEN_HARDWARE": "perhaps"})
    assert str(info.value).startswith(
        "environment KIOSK_KIOSK__OPEN_HARDWARE: [kiosk.open_hardware]"
    )


def test_secrets_are_not_echoed(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(site(tmp_path, "\n[backoffice]\ntoken = 12345678\n"), environ={})
    assert "12345678" not in str(info.value) and "[backoffice.token]" in str(info.value)


@pytest.mark.parametrize("written", ["4821", "scrypt$00ff", "scrypt$zz$" + "0" * 64])
def test_a_staff_pin_written_in_clear_is_named_and_not_echoed(tmp_path, written):
    """GIVEN [staff.accounts.S101] pin_hash holding the PIN itself (or a hash cut short)
    WHEN loaded THEN one line names the key and says what to write, without the value: such
    an account could never sign in, found only when a shopper waits for staff."""
    account = f'\n[staff.accounts.S101]\nrole = "manager"\npin_hash = "{written}"\n'
    with pytest.raises(ConfigError) as info:
        load_config(site(tmp_path, account), environ={})
    line = str(info.value)
    assert "[staff.accounts.S101.pin_hash] not a PIN hash" in line and "kiosk staff-pin" in line
    assert written not in line
    assert not verify_pin("4821", written)


def test_a_pin_hash_from_staff_pin_loads_and_signs_in(tmp_path):
    made = hash_pin("4821")
    account = f'\n[staff.accounts.S101]\nrole = "manager"\npin_hash = "{made}"\n'
    load_config(site(tmp_path, account), environ={})
    assert verify_pin("4821", made) and not verify_pin("4822", made)


def test_payment_plugins_declare_their_settings_model():
    """kiosk_plugin_settings: each built-in payment plugin names its table and model."""
    host = PluginHost()
    host.load_builtins(
        ["plugins.pay_card", "plugins.pay_qr", "plugins.pay_emoney", "plugins.pay_cash"]
    )
    declared = dict(host.call("kiosk_plugin_settings"))
    assert declared["pay_card"] is PayCardSettings
    assert set(declared) == {"pay_card", "pay_qr", "pay_emoney", "pay_cash"}


def test_misspelt_key_in_a_plugin_table_stops_the_kiosk(tmp_path):
    path = site(tmp_path, "\n[plugins.pay_card]\nhots = '10.0.0.5'\nport = 9100\n")
    with pytest.raises(ConfigError) as info:
        build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))
    assert str(info.value).startswith(f"{path}: [plugins.pay_card.hots] unknown key (known: host,")


def test_bad_plugin_value_and_misspelt_plugin_table(tmp_path):
    path = site(tmp_path, "\n[plugins.pay_card]\nport = 'ninety'\n[plugins.pay_crad]\nhost = 'x'\n")
    with pytest.raises(ConfigError) as info:
        build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))
    message = str(info.value)
    assert "[plugins.pay_card.port] Input should be a valid integer" in message
    assert "[plugins.pay_crad] no loaded plugin reads this table" in message


def test_example_site_config_is_valid():
    """examples/kiosk.toml, what a store starts from, loads and passes every plugin check."""
    from kiosk.run import check_config

    example = Path(__file__).resolve().parents[1] / "examples" / "kiosk.toml"
    config = load_config(example, environ={"KIOSK_BACKOFFICE__TOKEN": "K01.from-kiosk-env"})
    assert config.hardware_profile != "simulated"
    assert not any(table.get("simulate") for table in config.plugin_config.values())
    assert "plugins.pay_card" in check_config(config)


def test_ui_table_is_layered_checked_and_converted(tmp_path):
    from kiosk.ui.settings import UiSettings

    path = site(tmp_path, "\n[ui]\nkiosk_mode = true\n")
    config = load_config(path, environ={"KIOSK_UI__DPI": "141"})
    settings = UiSettings.from_config(config)
    assert settings.dpi == 141.0 and settings.kiosk_mode is True
    with pytest.raises(ConfigError, match=r"\[ui.kiosk_mod\] unknown key"):
        load_config(site(tmp_path, "\n[ui]\nkiosk_mod = true\n"), environ={})


def test_table_of_a_built_in_left_out_is_not_a_misspelling(tmp_path):
    """GIVEN [plugins] builtin without pay_qr but its table kept WHEN the kiosk starts THEN
    no error (the table waits for the plugin); a misspelt table still is one."""
    extra = '\n[plugins]\nbuiltin = ["plugins.pay_card"]\n[plugins.pay_card]\nsimulate = true\n'
    path = site(tmp_path, extra + "[plugins.pay_qr]\nbase_url = 'https://qr.example.jp/'\n")
    runtime = build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))
    runtime.shutdown()
    path = site(tmp_path, extra + "[plugins.pay_qrr]\nbase_url = 'https://qr.example.jp/'\n")
    with pytest.raises(ConfigError, match=r"\[plugins.pay_qrr\] no loaded plugin reads"):
        build_runtime(load_config(path, data_dir=tmp_path / "d2", environ={}))


def test_a_back_office_url_without_a_token_is_a_config_error(tmp_path):
    """GIVEN [backoffice] url but no token WHEN loaded THEN one line names the file and
    [backoffice.token] (before: the kiosk started, every sync was refused and it took itself
    for offline, hiding card and QR); a token from the environment is enough."""
    path = site(tmp_path, '\n[backoffice]\nurl = "http://192.168.10.2:8800"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    message = str(info.value)
    assert str(path) in message and "[backoffice.token] missing" in message
    assert "\n" not in message and "enrol-kiosk" in message
    config = load_config(path, environ={"KIOSK_BACKOFFICE__TOKEN": "K01.from-env"})
    assert config.backoffice_url == "http://192.168.10.2:8800"
    assert config.backoffice_token == "K01.from-env"
