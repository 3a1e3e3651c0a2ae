"""Backups: a consistent copy, and a restore that brings the data back."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kiosk.backoffice.backup import backup, restore
from kiosk.backoffice.cli import main
from kiosk.backoffice.models import SaleRow
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post


def sales(bo_db) -> int:
    with bo_db.reading() as s:
        return s.scalar(select(func.count()).select_from(SaleRow))


def test_function_backup_then_restore_brings_the_data_back(client, bo_db, kiosk_token, tmp_path):
    """GIVEN 3 sales backed up WHEN 2 more arrive and we restore THEN 3 sales again."""
    if bo_db.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.fail("pg_dump missing: install postgresql-client")
    post(client, kiosk_token, [event(i, DAY + timedelta(minutes=i)) for i in (1, 2, 3)])
    file = backup(bo_db.url, tmp_path / "bo.backup")
    post(client, kiosk_token, [event(i, DAY) for i in (4, 5)])
    assert sales(bo_db) == 5
    bo_db.engine.dispose()  # restore needs the database to itself
    restore(bo_db.url, file)
    assert sales(bo_db) == 3


def test_function_cli_backup_and_restore_on_sqlite(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    assert main(["--database-url", url, "enrol-kiosk", "K01"]) == 0
    assert main(["--database-url", url, "backup", str(tmp_path / "copy.sqlite3")]) == 0
    assert main(["--database-url", url, "restore", "--yes", str(tmp_path / "copy.sqlite3")]) == 0
    assert main(["--database-url", url, "restore", "--yes", str(tmp_path / "missing")]) == 1
    assert "no such backup file" in capsys.readouterr().err
