"""Plugin trust: the allow-list pins the distribution, and a plugin sees only its own secrets.

Real distributions are installed into a temporary site folder (dist-info with METADATA,
entry_points.txt and RECORD), found by importlib.metadata as pip-installed ones would be.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import types
from collections.abc import Iterator
from importlib.metadata import distributions
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.plugin_scope import PluginAccessDenied
from kiosk.plugin_trust import AllowedPlugin, main, record_sha256
from kiosk.plugins import PluginHost
from kiosk.sync.service import SyncService

PLUGIN = """
from kiosk.hookspecs import hookimpl

SEEN = {}


class Plugin:
    @hookimpl
    def kiosk_startup(self, runtime):
        SEEN["runtime"] = runtime
"""


def install(site: Path, dist: str, version: str, module: str, entry_point: str) -> Path:
    """A minimal installed distribution declaring ``entry_point`` in ``kiosk.plugins``."""
    package = site / module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[kiosk.plugins]\n{entry_point} = {module}\n", encoding="utf-8"
    )
    rows = []
    for path in (package / "__init__.py", info / "METADATA", info / "entry_points.txt"):
        data = path.read_bytes()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        rows.append(f"{path.relative_to(site).as_posix()},sha256={digest},{len(data)}")
    rows.append(f"{info.name}/RECORD,,")
    (info / "RECORD").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return package


@pytest.fixture
def site(tmp_path, monkeypatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for module in ("acme_pay", "rogue_pay"):  # each test installs its own copy
        sys.modules.pop(module, None)


def genuine(site: Path) -> Path:
    return install(site, "acme-pay", "1.2.0", "acme_pay", "acme_pay")


def test_function_another_distribution_with_the_same_entry_point_is_refused(site):
    """GIVEN acme-pay 1.2.0 allowed WHEN rogue-dist also declares acme_pay THEN only one loads."""
    genuine(site)
    install(site, "rogue-dist", "9.9", "rogue_pay", "acme_pay")
    host = PluginHost()
    host.load_entry_points([AllowedPlugin("acme_pay", "acme-pay", "1.2.0")])
    assert host.names == ["acme_pay"]
    assert type(host.pm.get_plugin("acme_pay")).__module__ == "acme_pay"
    [problem] = host.problems
    assert problem.plugin == "acme_pay" and problem.hook == "load"
    assert "declared by rogue-dist 9.9; the allow-list trusts only acme-pay 1.2.0" in (
        problem.message
    )


def test_function_another_version_is_refused(site):
    genuine(site)
    host = PluginHost()
    host.load_entry_points([AllowedPlugin("acme_pay", "Acme_Pay", "1.1.0")])
    assert host.names == []
    assert "acme-pay 1.2.0; the allow-list trusts only Acme_Pay 1.1.0" in host.problems[0].message


def test_function_a_pinned_record_hash_catches_a_file_changed_after_install(site):
    package = genuine(site)
    [dist] = distributions(path=[str(site)])
    pinned = AllowedPlugin("acme_pay", "acme-pay", "1.2.0", record_sha256(dist))
    host = PluginHost()
    host.load_entry_points([pinned])
    assert host.names == ["acme_pay"] and host.problems == []

    (package / "__init__.py").write_text(PLUGIN + "\nSTOLEN = True\n", encoding="utf-8")
    tampered = PluginHost()
    tampered.load_entry_points([pinned])
    assert tampered.names == []
    assert "acme_pay/__init__.py was changed after install" in tampered.problems[0].message

    wrong = PluginHost()
    wrong.load_entry_points([AllowedPlugin("acme_pay", "acme-pay", "1.2.0", "0" * 64)])
    assert "RECORD hash" in wrong.problems[0].message


def test_function_the_helper_prints_the_entry_to_paste(site, capsys):
    genuine(site)
    assert main(["acme-pay"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(
        '{ entry_point = "acme_pay", distribution = "acme-pay", version = "1.2.0"'
    )
    assert main(["no-such-dist"]) == 1


def write_config(tmp_path: Path, allow: str, extra: str = "") -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "K09"
hardware_profile = "simulated"
data_dir = "{tmp_path / "data"}"
[store]
name = "test"
registration_number = "T5835678256246"
[plugins]
allow = {allow}
[plugins.acme_pay]
merchant = "M-1"
[plugins.loyalty]
key = "c2VjcmV0"
[backoffice]
url = "http://127.0.0.1:1"
token = "K09.very-secret"
{extra}
""",
        encoding="utf-8",
    )
    return path


def test_function_a_bare_name_in_the_allow_list_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"\[plugins.allow\] allow\[0\]: write .*bare name"):
        load_config(write_config(tmp_path, '["acme_pay"]'))
    with pytest.raises(ConfigError, match=r"allow\[0\].version: required"):
        load_config(write_config(tmp_path, '[{entry_point="a", distribution="b"}]'))


def test_function_a_plugin_sees_only_its_own_settings_and_keys(site, tmp_path, monkeypatch):
    """GIVEN an allowed third-party plugin WHEN it starts THEN its runtime is scoped."""
    monkeypatch.delenv("KIOSK_KEY_DIR", raising=False)
    genuine(site)
    allow = '[{entry_point = "acme_pay", distribution = "acme-pay", version = "1.2.0"}]'
    config = load_config(write_config(tmp_path, allow))
    host = PluginHost()
    host.load_entry_points(config.allowed_plugins)
    runtime = types.SimpleNamespace(config=config, host=host, store="the store", language="ja")
    host.call("kiosk_startup", runtime=runtime)
    import acme_pay

    seen = acme_pay.SEEN["runtime"]
    assert seen.config.plugin_settings("acme_pay") == {"merchant": "M-1"}
    assert seen.config.kiosk_id == "K09" and seen.language == "ja"
    with pytest.raises(PluginAccessDenied, match=r"only \[plugins.acme_pay\]"):
        seen.config.plugin_settings("loyalty")
    for hidden in ("backoffice_token", "plugin_config", "allowed_plugins"):
        assert not hasattr(seen.config, hidden), hidden
    for hidden in ("host", "store", "checkout", "ledger", "devices"):
        assert not hasattr(seen, hidden), hidden
    # not a sandbox: private slots stay reachable to code that pokes at the view's
    # internals (docs/security.md says so); the contract is what the public surface gives

    key = seen.keys.read()
    path = tmp_path / "data-keys" / "acme_pay.key"
    assert path.read_bytes() == key and len(key) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert seen.keys.path("loyalty") == tmp_path / "data-keys" / "acme_pay.loyalty.key"
    with pytest.raises(ValueError, match="a-z, 0-9 and _ only"):
        seen.keys.read("../loyalty")
    # a runtime without a configuration (a bare test double) still dispatches
    host.call("kiosk_startup", runtime=types.SimpleNamespace())
    with pytest.raises(AttributeError):
        acme_pay.SEEN["runtime"].config  # noqa: B018 (raised in the plugin's own call)
    # the sync thread hands its bearer token to the kiosk's own plugins only
    assert host.is_third_party(host.pm.get_plugin("acme_pay"))
    assert os.environ.get("KIOSK_KEY_DIR") is None


def test_function_through_the_kiosk_a_plugin_gets_a_scoped_runtime_and_no_token(site, make_runtime):
    """GIVEN a kiosk built with an allowed plugin WHEN it starts and its sync thread is made
    THEN the plugin saw a scoped runtime and is not one of the token-holding pull steps."""
    genuine(site)
    runtime = make_runtime(
        allowed_plugins=(AllowedPlugin("acme_pay", "acme-pay", "1.2.0"),),
        backoffice_token="K01.secret",
    )
    import acme_pay

    seen = acme_pay.SEEN["runtime"]
    assert not hasattr(seen, "checkout") and not hasattr(seen.config, "backoffice_token")
    sync = SyncService(runtime, runtime.store, "http://127.0.0.1:9", "K01.secret")
    try:
        owners = {getattr(pull, "__self__", None) for pull in sync.pullers}
        assert runtime.host.pm.get_plugin("acme_pay") not in owners
        assert any(runtime.host.pm.get_name(o) == "plugins.coupons" for o in owners if o)
    finally:
        sync.client.close()
