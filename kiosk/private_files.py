"""Files at rest are the kiosk's alone: directories 0700, files 0600.

The local store, its WAL and shared-memory files, the back office's SQLite database,
backups, exports and logs hold sales, members' (encrypted) records and tokens. Two layers:

- the ``kiosk`` and ``kiosk-backoffice`` commands set the process umask to 077 first
  (:func:`restrict_umask`), so everything they create — SQLite's -wal/-shm, report
  archives, exports, cash records — is private from the start;
- the stores tighten what already exists when they open (:func:`private_dir`,
  :func:`private_sqlite`), since a data folder made by an older version is 0644/0755 and
  code used as a library does not go through the commands. SQLite creates -wal and -shm
  with the database file's own permissions, so a 0600 database keeps them 0600 too.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_UMASK = 0o077
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def restrict_umask() -> int:
    """Make new files 0600 and directories 0700 for this process; returns the old umask."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: Path | str) -> Path:
    """Make ``path`` (and parents) if missing, and set it to 0700."""
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    return directory


def private_file(path: Path | str) -> None:
    """Set an existing file to 0600 (a missing one is left alone)."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, 0o600)


def private_sqlite(database: Path | str) -> None:
    """The database file and its -wal, -shm and -journal companions to 0600."""
    for suffix in SQLITE_COMPANIONS:
        private_file(f"{database}{suffix}")


def create_private(path: Path | str) -> int:
    """Open ``path`` for writing as a new or truncated 0600 file; returns the descriptor."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    return fd
