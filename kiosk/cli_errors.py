"""One clear line for every command-line error (``kiosk`` and ``kiosk-backoffice``).

Commands raise typed errors; :func:`guarded` turns the known ones into ``prog: message`` on
stderr and a non-zero exit, and anything else into one line that points at ``-v``. Only with
``-v`` does a traceback appear.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from kiosk.cli_language import _

log = logging.getLogger(__name__)

#: exit codes: 1 a problem with the work, 2 with the command line or configuration
FAILED, USAGE = 1, 2


class CommandError(RuntimeError):
    """A command cannot go on; the message says why and what to do (one line)."""

    exit_code = FAILED


def guarded(
    prog: str,
    verbose: bool,
    run: Callable[[], int],
    database: str | Path | Callable[[], str | Path | None] | None = None,
) -> int:
    """Run ``run()``; a known error becomes one line on stderr and an exit code.

    ``database`` names the store the command works on (a path or URL, or a function giving
    it once the configuration is read), for database errors.
    """
    try:
        return run()
    except KeyboardInterrupt:
        print(f"{prog}: {_('interrupted')}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kiosk sales list | head`
        return 0
    except Exception as exc:
        if verbose:
            raise
        message, code = describe(exc, database() if callable(database) else database)
        print(f"{prog}: {message}", file=sys.stderr)
        return code


def describe(exc: BaseException, database: str | Path | None = None) -> tuple[str, int]:
    """The one-line message and exit code for ``exc``."""
    from kiosk.config import ConfigError
    from kiosk.devices.profiles import ProfileError

    if isinstance(exc, ConfigError | ProfileError):
        return _("configuration error: {detail}").format(detail=exc), USAGE
    if isinstance(exc, CommandError):
        return str(exc), exc.exit_code
    database_problem = _database_message(exc, database)
    if database_problem is not None:
        return database_problem, FAILED
    if isinstance(exc, OSError):
        return _os_message(exc), FAILED
    if _is_known(exc):
        return str(exc), FAILED
    return (
        _("unexpected error: {kind}: {detail} (run again with -v for the details)").format(
            kind=type(exc).__name__, detail=exc
        ),
        FAILED,
    )


def _is_known(exc: BaseException) -> bool:
    """Typed errors whose text is already a complete message for staff."""
    from kiosk.backup_crypto import BackupKeyError
    from kiosk.store.catalogue_csv import CatalogueImportError
    from kiosk.store.migrate import UnknownMigration

    known: tuple[type[BaseException], ...] = (
        CatalogueImportError,
        BackupKeyError,
        UnknownMigration,
    )
    try:
        from kiosk.script import ScriptError

        known += (ScriptError,)
        from kiosk.backoffice.core.backup import BackupFailed
        from kiosk.backoffice.core.errors import BackofficeError

        known += (BackofficeError, BackupFailed)
    except ImportError:  # the back office's extras are not installed on a kiosk
        pass
    return isinstance(exc, known)


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return where + _("the disk is full: free some space and run the command again")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return where + _("{reason}: this user cannot write there").format(reason=exc.strerror)
    return f"{where}{exc.strerror or exc}"


def _database_message(exc: BaseException, database: str | Path | None) -> str | None:
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency
        return None
    if not isinstance(exc, DBAPIError):
        return None
    text = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    name = str(database) if database is not None else _("the database")
    if "://" in name:
        name = make_url(name).render_as_string(hide_password=True)
    lowered = text.lower()
    folder = Path(name).parent if "://" not in name else None
    if "readonly" in lowered or "read-only" in lowered:
        if folder is None:
            return _("{name}: read-only: this user cannot write to it").format(name=name)
        return _("{name}: read-only: this user cannot write to {folder}").format(
            name=name, folder=folder
        )
    if "disk is full" in lowered or "no space" in lowered:
        if folder is None:
            return _("{name}: the disk is full: free some space on the server").format(name=name)
        return _("{name}: the disk is full: free some space on {folder}").format(
            name=name, folder=folder
        )
    if "not a database" in lowered or "malformed" in lowered:
        return _(
            "{name}: not a readable database (damaged): move it aside and restore the latest backup"
        ).format(name=name)
    if "unable to open database file" in lowered:
        return _(
            "{name}: cannot open it: does {folder} exist, and can this user write to it?"
        ).format(name=name, folder=folder)
    if "locked" in lowered:
        return _("{name}: in use by another process (is the kiosk running?)").format(name=name)
    if "connection" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return _("cannot connect to {name}: {detail} (is the database server running?)").format(
            name=name, detail=text
        )
    return _("{name}: database error: {detail}").format(name=name, detail=text)


def check_data_dir(data_dir: Path) -> None:
    """The local store's folder: a folder, that exists (or can be made), that we can write.

    A folder made only for this check is taken away again: the store makes it (0700) once the
    configuration and plugins have passed their own checks, so a bad setting leaves nothing.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise CommandError(_("data directory {path} is a file, not a folder").format(path=data_dir))
    made = [p for p in (data_dir, *data_dir.absolute().parents) if not p.exists()]
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(
            _("cannot create the data directory {path}: {reason}").format(
                path=data_dir, reason=exc.strerror
            )
        ) from None
    try:
        _probe_writable(data_dir)
    finally:
        for folder in made:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()


def _probe_writable(data_dir: Path) -> None:
    probe = data_dir / ".kiosk-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = _("the disk is full") if exc.errno == errno.ENOSPC else exc.strerror
        raise CommandError(
            _(
                "data directory {path} is not writable ({reason}): the kiosk keeps its store "
                "there; give this user write access or pass --data-dir"
            ).format(path=data_dir, reason=reason)
        ) from None
