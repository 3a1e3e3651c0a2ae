"""Files at rest: data directory 0700, database and its WAL/SHM 0600, keys outside the data
directory (moved there from an older layout), whatever the umask the kiosk started with."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.backoffice.core.db import Database
from kiosk.config import ConfigError, load_config
from kiosk.keys import key_dir, key_file
from kiosk.store.local import LocalStore
from plugins.loyalty.crypto import KeyRing


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)  # what a shell usually has: new files 0644
    yield
    os.umask(old)


def test_function_the_local_store_is_private_even_from_an_older_loose_layout(tmp_path, loose_umask):
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "kiosk.sqlite3").touch(mode=0o644)
    store = LocalStore(data / "kiosk.sqlite3")
    with store.transaction() as session:
        session.connection().exec_driver_sql("CREATE TABLE probe (x)")
    try:
        assert mode(data) == 0o700
        files = [p for p in data.iterdir() if p.name.startswith("kiosk.sqlite3")]
        assert {p.name for p in files} >= {
            "kiosk.sqlite3",
            "kiosk.sqlite3-wal",
            "kiosk.sqlite3-shm",
        }
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        store.close()


def test_function_the_back_office_sqlite_database_is_private(tmp_path, loose_umask):
    db = Database(f"sqlite:///{tmp_path / 'bo' / 'backoffice.sqlite3'}")
    try:
        assert mode(tmp_path / "bo") == 0o700
        for name in ("backoffice.sqlite3", "backoffice.sqlite3-wal", "backoffice.sqlite3-shm"):
            assert mode(tmp_path / "bo" / name) == 0o600, name
    finally:
        db.close()


def test_function_the_kiosk_command_makes_everything_private(tmp_path, loose_umask):
    from kiosk.cli import main

    script = tmp_path / "visit.txt"
    script.write_text("scan 4901234000018\npay cash 500\nprint receipt.txt\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "d"), "checkout", "--script", str(script)]) == 0
    assert mode(tmp_path / "receipt.txt") == 0o600
    assert list((tmp_path / "d").rglob("*.key")) == []  # keys never in the data directory
    for path in (tmp_path / "d").rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert os.umask(0o022) == 0o022  # given back to the caller


def config_at(tmp_path: Path, extra: str = ""):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "K01"
hardware_profile = "simulated"
data_dir = "{tmp_path / "var"}"
{extra}
[store]
name = "test"
registration_number = "T5835678256246"
""",
        encoding="utf-8",
    )
    return load_config(path)


def test_function_keys_live_outside_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("KIOSK_KEY_DIR", raising=False)
    assert key_dir(config_at(tmp_path)) == tmp_path / "var-keys"
    assert key_dir(config_at(tmp_path, 'key_dir = "/etc/kiosk/keys"')) == Path("/etc/kiosk/keys")
    monkeypatch.setenv("KIOSK_KEY_DIR", str(tmp_path / "from-env"))
    assert key_dir(config_at(tmp_path, 'key_dir = "/etc/kiosk/keys"')) == tmp_path / "from-env"
    monkeypatch.delenv("KIOSK_KEY_DIR")
    inside = config_at(tmp_path, f'key_dir = "{tmp_path / "var" / "keys"}"')
    with pytest.raises(ConfigError, match=r"\[kiosk.key_dir\] .* is inside the data directory"):
        key_dir(inside)


def test_function_a_key_left_in_the_data_directory_is_moved_not_replaced(tmp_path):
    data, keys = tmp_path / "var", tmp_path / "var-keys"
    data.mkdir()
    legacy = KeyRing.from_settings({}, data)  # as an older kiosk did: the key in the data dir
    sealed = legacy.seal({"name": "山田"}, "M1")
    assert (data / "loyalty.key").exists()

    moved = KeyRing.from_settings({}, keys, legacy_dir=data)
    assert moved.open(sealed, "M1") == {"name": "山田"}  # the same key, so members still open
    assert not (data / "loyalty.key").exists()
    assert mode(keys / "loyalty.key") == 0o600 and mode(keys) == 0o700

    (data / "tax_free.key").write_bytes(b"t" * 32)
    path = key_file(keys, "tax_free", legacy_dir=data)
    assert path.read_bytes() == b"t" * 32 and not (data / "tax_free.key").exists()


def test_function_doctor_names_keys_and_files_open_to_others(tmp_path, monkeypatch, capsys):
    from kiosk.doctor import run_doctor

    monkeypatch.delenv("KIOSK_KEY_DIR", raising=False)
    config = config_at(tmp_path)
    run_doctor(config)  # (this bare config has other problems: demo PINs, no store yet)
    first = capsys.readouterr().out
    assert f"keys         {tmp_path / 'var-keys'}" in first
    assert "open to others" not in first and "inside the data directory" not in first
    (tmp_path / "var-keys").mkdir(exist_ok=True)
    loose = tmp_path / "var-keys" / "loyalty.key"
    loose.write_bytes(b"k" * 32)
    os.chmod(loose, 0o644)
    (tmp_path / "var").mkdir(exist_ok=True)  # doctor never makes a store
    (tmp_path / "var" / "tax_free.key").write_bytes(b"t" * 32)
    assert run_doctor(config) == 1
    out = capsys.readouterr().out
    assert f"PROBLEM: {loose} is open to others: chmod 600" in out
    assert "tax_free.key is inside the data directory" in out
