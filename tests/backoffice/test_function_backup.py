"""Backups: a consistent copy, and a restore that brings the data back."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kiosk.backoffice.cli import main
from kiosk.backoffice.core.backup import BackupFailed, backup, restore
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backup_crypto import CHUNK, decrypt_file, encrypt_file
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post

KEY = bytes(range(32))


def sales(bo_db) -> int:
    with bo_db.reading() as s:
        return s.scalar(select(func.count()).select_from(SaleRow))


def test_function_backup_then_restore_brings_the_data_back(client, bo_db, kiosk_token, tmp_path):
    """GIVEN 3 sales backed up WHEN 2 more arrive and we restore THEN 3 sales again."""
    if bo_db.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.fail("pg_dump missing: install postgresql-client")
    post(client, kiosk_token, [event(i, DAY + timedelta(minutes=i)) for i in (1, 2, 3)])
    file = backup(bo_db.url, tmp_path / "bo.backup", KEY)
    post(client, kiosk_token, [event(i, DAY) for i in (4, 5)])
    assert sales(bo_db) == 5
    bo_db.engine.dispose()  # restore needs the database to itself
    restore(bo_db.url, file, KEY)
    assert sales(bo_db) == 3


def test_function_cli_backup_and_restore_on_sqlite(tmp_path, backoffice_url, capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_KEY_DIR", str(tmp_path / "keys"))
    url = backoffice_url
    copy = str(tmp_path / "copy.backup")
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    assert main(["--database-url", url, "backup", copy]) == 0
    out = capsys.readouterr().out
    assert "made a new backup key at" in out and "keep a copy somewhere safe" in out
    assert (tmp_path / "keys" / "backup.key").stat().st_mode & 0o777 == 0o600
    assert main(["--database-url", url, "restore", "--yes", copy]) == 0
    assert main(["--database-url", url, "restore", "--yes", str(tmp_path / "missing")]) == 1
    assert "no such backup file" in capsys.readouterr().err
    other = tmp_path / "other.key"
    other.write_bytes(b"k" * 32)
    assert main(["--database-url", url, "restore", "--yes", "--key-file", str(other), copy]) == 1
    assert "does not open with this backup key" in capsys.readouterr().err


def test_function_a_backup_is_encrypted_private_and_tamper_evident(bo_db, kiosk_token, tmp_path):
    """GIVEN a backup WHEN read without the key, cut short or opened with another key THEN
    nothing of the database shows and restore refuses; the file is 0600."""
    if bo_db.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.fail("pg_dump missing: install postgresql-client")
    file = backup(bo_db.url, tmp_path / "bo.backup", KEY)
    data = file.read_bytes()
    assert data.startswith(b"KIOSKBK1")
    assert b"SQLite format 3" not in data and b"PGDMP" not in data and b"K01" not in data
    assert file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kiosk-backup-")] == []
    bo_db.engine.dispose()
    with pytest.raises(BackupFailed, match="does not open with this backup key"):
        restore(bo_db.url, file, b"x" * 32)
    cut = tmp_path / "cut.backup"
    cut.write_bytes(data[:-5])
    with pytest.raises(BackupFailed, match=r"does not open|cut short"):
        restore(bo_db.url, cut, KEY)
    with pytest.raises(BackupFailed, match="give the backup key"):
        restore(bo_db.url, file, None)


def test_function_large_files_round_trip_in_chunks(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(os.urandom(CHUNK * 2 + 7))
    encrypt_file(plain, tmp_path / "sealed", KEY)
    decrypt_file(tmp_path / "sealed", tmp_path / "opened", KEY)
    assert (tmp_path / "opened").read_bytes() == plain.read_bytes()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    encrypt_file(empty, tmp_path / "sealed-empty", KEY)
    decrypt_file(tmp_path / "sealed-empty", tmp_path / "opened-empty", KEY)
    assert (tmp_path / "opened-empty").read_bytes() == b""


def test_function_a_plain_backup_from_an_older_version_still_restores(
    tmp_path, backoffice_url, caplog
):
    url = backoffice_url
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    old = sqlite3.connect(tmp_path / "old.sqlite3")
    with old:
        sqlite3.connect(tmp_path / "bo.sqlite3").backup(old)
    old.close()
    with caplog.at_level("WARNING"):
        restore(url, tmp_path / "old.sqlite3", None)
    assert "plain backup from an older version" in caplog.text  # a real one is still told


@pytest.mark.parametrize("contents", ["text", "kiosk store"])
def test_function_restoring_a_file_that_is_no_backup_leaves_the_database(
    tmp_path, backoffice_url, capsys, caplog, contents
):
    """GIVEN a text file, or a kiosk's own SQLite store, named as the backup WHEN restored
    THEN one line says it is not a back-office backup and the database keeps its kiosks;
    nothing calls it a plain backup from an older version first."""
    url = backoffice_url
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    wrong = tmp_path / "wrong"
    if contents == "text":
        wrong.write_text("root:x:0:0:root:/root:/bin/bash\n")
    else:
        with sqlite3.connect(wrong) as other:
            other.execute("CREATE TABLE sales (id INTEGER PRIMARY KEY)")
        other.close()
    capsys.readouterr()
    assert main(["--database-url", url, "restore", "--yes", str(wrong)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "not a back-office backup" in error
    assert "plain backup" not in caplog.text
    with sqlite3.connect(tmp_path / "bo.sqlite3") as kept:
        assert kept.execute("SELECT kiosk_id FROM bo_kiosks").fetchall() == [("K01",)]
    kept.close()


def test_function_a_backup_never_overwrites_a_file_that_is_not_one(
    tmp_path, backoffice_url, capsys, monkeypatch
):
    """GIVEN `backup` pointed at a settings file, or at a folder WHEN run THEN one line says
    so and the file is as it was; an earlier backup of the same name is replaced (the daily
    timer started twice in a day)."""
    monkeypatch.setenv("KIOSK_KEY_DIR", str(tmp_path / "keys"))
    url = backoffice_url
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    settings = tmp_path / "backoffice.env"
    settings.write_text("DATABASE_URL=postgresql+psycopg://kiosk@db/kiosk\n")
    capsys.readouterr()
    assert main(["--database-url", url, "backup", str(settings)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "exists and is not a backup" in error
    assert settings.read_text() == "DATABASE_URL=postgresql+psycopg://kiosk@db/kiosk\n"
    assert main(["--database-url", url, "backup", str(tmp_path)]) == 1
    assert "is a folder: name the file" in capsys.readouterr().err
    again = str(tmp_path / "today.backup")
    assert main(["--database-url", url, "backup", again]) == 0
    assert main(["--database-url", url, "backup", again]) == 0


def test_function_backup_and_restore_speak_the_operators_language(
    tmp_path, backoffice_url, capsys, monkeypatch
):
    """GIVEN LC_ALL=ja_JP.UTF-8 WHEN backup, restore (asked, then with --yes) and a restore of
    a file that is no backup THEN every line the operator reads is in Japanese."""
    import io

    monkeypatch.setenv("KIOSK_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")
    url, copy = backoffice_url, tmp_path / "bo.backup"
    assert main(["--database-url", url, "backup", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "新しいバックアップ鍵" in out and f"バックアップを {copy} に書き出しました" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["--database-url", url, "restore", str(copy)]) == 1
    assert f"を {copy} で置き換えますか？ [y/N]" in capsys.readouterr().out
    assert main(["--database-url", url, "restore", "--yes", str(copy)]) == 0
    assert f"{copy} から復元しました" in capsys.readouterr().out
    wrong = tmp_path / "passwd"
    wrong.write_text("root:x:0:0:root:/root:/bin/bash\n")
    assert main(["--database-url", url, "restore", "--yes", str(wrong)]) == 1
    assert capsys.readouterr().err == (
        f"kiosk-backoffice: {wrong}：本部サーバーのバックアップではありません（データベースではありません）\n"
    )
    assert main(["--database-url", url, "restore", "--yes", str(tmp_path / "none")]) == 1
    assert "そのバックアップファイルはありません" in capsys.readouterr().err


def test_function_a_file_that_is_no_backup_is_refused_before_the_question(
    tmp_path, backoffice_url, capsys, monkeypatch
):
    """GIVEN `restore /etc/passwd`-like text without --yes WHEN run THEN the one line says it
    is not a back-office backup, and nobody is asked to replace the database with it."""
    import io

    wrong = tmp_path / "passwd"
    wrong.write_text("root:x:0:0:root:/root:/bin/bash\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["--database-url", backoffice_url, "restore", str(wrong)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "[y/N]" not in captured.err
    assert captured.err.count("\n") == 1 and "not a back-office backup" in captured.err
