"""Consistent backups and a tested restore.

SQLite: the online backup API copies a consistent snapshot while kiosks keep syncing.
PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot transaction) and
``pg_restore --clean --if-exists``. After a restore, the back office may be behind what
kiosks already delivered; their relays notice the sequence gap and resend (see
:mod:`kiosk.backoffice.ingest`).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(RuntimeError):
    """The backup or restore did not complete; the message has the tool's own words."""


class BackupToolMissing(BackupFailed):
    """pg_dump/pg_restore is not installed: install the postgresql-client package."""


def _libpq_url(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupFailed("an in-memory database cannot be backed up")
    return Path(database)


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    if backend == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(url)])
        return target
    raise BackupFailed(f"no backup method for {backend}")


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup in ``source``."""
    if not source.exists():
        raise BackupFailed(f"{source}: no such backup file")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        src = sqlite3.connect(source)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupFailed(f"{source}: integrity check failed")
            dest = sqlite3.connect(_sqlite_path(url))
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
        return
    if backend == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_libpq_url(url)}",
                str(source),
            ]
        )
        return
    raise BackupFailed(f"no restore method for {backend}")


def _run(argv: list[str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupToolMissing(f"{argv[0]} not found; install postgresql-client")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{argv[0]} failed: {done.stderr.strip()[:2000]}")
