"""Consistent backups and a tested restore.

SQLite: the online backup API copies a consistent snapshot while kiosks keep syncing.
PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot transaction) and
``pg_restore --clean --if-exists``. After a restore, the back office may be behind what
kiosks already delivered; their relays notice the sequence gap and resend (see
:mod:`kiosk.backoffice.sales.ingest`).

The file written is encrypted under the backup key (:mod:`kiosk.backup_crypto`); the plain
copy exists only in a private (0700) temporary folder beside the target while it is made
or restored, and is removed afterwards. A plain backup made by an older version still
restores (with a warning).
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from kiosk.backup_crypto import BackupKeyError, decrypt_file, encrypt_file, is_encrypted
from kiosk.messages import N_

log = logging.getLogger(__name__)


class BackupFailed(RuntimeError):
    """The backup or restore did not complete; the message has the tool's own words.

    ``message`` is an English text of the core's catalogue (marked ``N_``) with ``{fields}``;
    the operator reads it in their language (``LC_ALL``/``LANG``, :mod:`kiosk.cli_language`),
    as the command's other lines. A text outside the catalogue (a tool's stderr) stays as is.
    """

    def __init__(self, message: str, **fields: object) -> None:
        self.message, self.fields = message, fields
        super().__init__(message.format(**fields) if fields else message)

    def __str__(self) -> str:
        from kiosk.cli_language import _

        text = _(self.message)
        return text.format(**self.fields) if self.fields else text


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


@contextmanager
def _private_scratch(near: Path) -> Iterator[Path]:
    """A 0700 folder beside ``near`` (same disk, no copy through /tmp), removed after."""
    near.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".kiosk-backup-", dir=near.parent) as folder:
        yield Path(folder)


def backup(url: str, target: Path, key: bytes) -> Path:
    """Write a consistent, encrypted copy of the database at ``url`` to ``target``.

    ``target`` may replace an earlier backup (the timer run twice in a day), never another
    file: a slip of the finger (``backup /etc/kiosk/backoffice.env``) overwrote it."""
    if target.is_dir():
        raise BackupFailed(
            N_("{target} is a folder: name the file, such as {target}/bo.backup"), target=target
        )
    if target.exists() and not is_encrypted(target):
        raise BackupFailed(N_("{target} exists and is not a backup: left as it is"), target=target)
    with _private_scratch(target) as scratch:
        plain = scratch / "plain"
        _plain_backup(url, plain)
        encrypt_file(plain, target, key)
    return target


def _plain_backup(url: str, target: Path) -> None:
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
        return
    if backend == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(url)])
        return
    raise BackupFailed(f"no backup method for {backend}")


def restore(url: str, source: Path, key: bytes | None) -> None:
    """Replace the database at ``url`` with the backup in ``source`` (``key`` opens it)."""
    if not source.exists():
        raise BackupFailed(N_("{file}: no such backup file"), file=source)
    if not is_encrypted(source):  # an older version's plain copy, or no backup at all
        _plain_restore(url, source, legacy=True)
        return
    if key is None:
        raise BackupFailed(
            N_("{file} is encrypted: give the backup key it was written with"), file=source
        )
    with _private_scratch(source) as scratch:
        plain = scratch / "plain"
        try:
            decrypt_file(source, plain, key)
        except BackupKeyError as exc:
            raise BackupFailed(str(exc)) from None
        _plain_restore(url, plain)


def check_restorable(url: str, source: Path) -> None:
    """Refuse, before anyone is asked to confirm, a file that cannot be a backup: missing, or
    not encrypted and not a back-office copy either (``restore /etc/passwd`` asked "replace
    … with /etc/passwd? [y/N]" first). An encrypted file is checked once it is opened."""
    if not source.exists():
        raise BackupFailed(N_("{file}: no such backup file"), file=source)
    if is_encrypted(source):
        return
    if make_url(url).get_backend_name() == "sqlite":
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _check_backoffice_copy(src, source)
        finally:
            src.close()
    else:
        _check_pg_dump(source)


def _check_pg_dump(source: Path) -> None:
    with source.open("rb") as head:
        if head.read(len(PG_DUMP_MAGIC)) != PG_DUMP_MAGIC:
            raise BackupFailed(
                N_("{file}: not a back-office backup (not a pg_dump file)"), file=source
            )


def _plain_restore(url: str, source: Path, *, legacy: bool = False) -> None:
    """``legacy``: ``source`` is the file named, not decrypted; it is said to be an older
    version's plain backup only once it is seen to be one (``/etc/passwd`` was called one,
    then refused as "not a back-office backup")."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _check_backoffice_copy(src, source)
            if legacy:
                _warn_plain(source)
            dest = sqlite3.connect(_sqlite_path(url))
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
        return
    if backend == "postgresql":
        if legacy:
            _check_pg_dump(source)
            _warn_plain(source)
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


#: the first bytes of a ``pg_dump --format=custom`` file
PG_DUMP_MAGIC = b"PGDMP"


def _warn_plain(source: Path) -> None:
    log.warning("%s is a plain backup from an older version; restoring it as it is", source)


def _check_backoffice_copy(src: sqlite3.Connection, source: Path) -> None:
    """Refuse, before the database is touched, a file that is not a sound copy of a back
    office: another SQLite file (a kiosk's store) would replace every sale with its tables."""
    try:
        sound = src.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ours = src.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bo_alembic_version'"
        ).fetchone()
    except sqlite3.DatabaseError:
        raise BackupFailed(
            N_("{file}: not a back-office backup (not a database)"), file=source
        ) from None
    if not sound:
        raise BackupFailed(N_("{file}: integrity check failed"), file=source)
    if ours is None:
        raise BackupFailed(
            N_("{file}: not a back-office backup (no back-office tables)"), file=source
        )


def _run(argv: list[str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupToolMissing(f"{argv[0]} not found; install postgresql-client")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{argv[0]} failed: {done.stderr.strip()[:2000]}")
