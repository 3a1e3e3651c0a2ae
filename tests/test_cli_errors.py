"""Every command-line error is one line on stderr and a non-zero exit (tracebacks only with
-v): GIVEN each way a newcomer gets it wrong WHEN the command runs THEN one clear line."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from kiosk.backoffice.cli import main as backoffice_main
from kiosk.cli import main
from kiosk.cli_errors import describe


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.strip()


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def data(tmp_path) -> str:
    return str(tmp_path / "d")


def script(tmp_path: Path, text: str, name: str = "visit.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_missing_script_file(tmp_path, data, capsys):
    code, err = run(capsys, "--data-dir", data, "checkout", "--script", str(tmp_path / "nope.txt"))
    assert code == 1
    assert one_line(err) == f"kiosk: {tmp_path / 'nope.txt'}: no such script file"


def test_scan_without_a_code_names_file_line_and_usage(tmp_path, data, capsys):
    code, err = run(capsys, "--data-dir", data, "checkout", "--script", script(tmp_path, "scan\n"))
    assert code == 1
    assert one_line(err).endswith("visit.txt:1: scan: missing argument: use 'scan CODE'")


def test_unbalanced_quote(tmp_path, data, capsys):
    path = script(tmp_path, 'scan 4901234000018\nscan "4901\n')
    code, err = run(capsys, "--data-dir", data, "checkout", "--script", path)
    assert code == 1
    assert one_line(err).endswith('visit.txt:2: scan "4901: No closing quotation')


def test_print_into_a_missing_folder(tmp_path, data, capsys):
    path = script(tmp_path, "scan 4901234000018\npay cash 200\nprint nodir/r.txt\n")
    code, err = run(capsys, "--data-dir", data, "checkout", "--script", path)
    assert code == 1
    assert "visit.txt:3: print nodir/r.txt: cannot write" in one_line(err)
    assert "No such file or directory" in err
    assert main(["--data-dir", data, "sales", "list"]) == 0  # the sale itself was kept
    assert "1 sale(s)" in capsys.readouterr().out


def test_print_never_overwrites_the_script_itself(tmp_path, data, capsys):
    text = "scan 4901234000018\npay cash 200\nprint visit.txt\n"
    path = script(tmp_path, text)
    code, err = run(capsys, "--data-dir", data, "checkout", "--script", path)
    assert code == 1
    assert "refusing to overwrite the script itself" in one_line(err)
    assert Path(path).read_text(encoding="utf-8") == text


def test_doctor_with_an_unknown_profile(data, capsys):
    code, err = run(capsys, "--data-dir", data, "doctor", "--profile", "nope")
    assert code == 2
    assert "no hardware profile 'nope' (available:" in one_line(err)


def test_data_dir_on_a_file(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, err = run(capsys, "--data-dir", str(afile), "sales", "list")
    assert code == 1
    assert one_line(err) == f"kiosk: data directory {afile} is a file, not a folder"


def _failing_writes(monkeypatch, err: int, text: str) -> None:
    """The file system refuses writes (root ignores chmod, so the refusal is simulated)."""

    def refuse(self, data):
        raise OSError(err, text, str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)


def test_read_only_data_dir_names_the_folder(monkeypatch, data, capsys):
    _failing_writes(monkeypatch, errno.EROFS, "Read-only file system")
    code, err = run(capsys, "--data-dir", data, "sales", "list")
    assert code == 1
    assert one_line(err).startswith(
        f"kiosk: data directory {data} is not writable (Read-only file system)"
    )


def test_full_disk(monkeypatch, data, capsys):
    _failing_writes(monkeypatch, errno.ENOSPC, "No space left on device")
    code, err = run(capsys, "--data-dir", data, "sales", "list")
    assert code == 1 and "(the disk is full)" in one_line(err)


@pytest.mark.parametrize(
    ("sqlite_text", "expected"),
    [
        ("attempt to write a readonly database", "read-only: this user cannot write to /srv/k"),
        ("database or disk is full", "the disk is full: free some space on /srv/k"),
        ("database disk image is malformed", "not a readable database (damaged)"),
        ("unable to open database file", "cannot open it: does /srv/k exist"),
    ],
)
def test_sqlite_errors_in_the_middle_of_a_command(sqlite_text, expected):
    exc = OperationalError("INSERT …", {}, sqlite3.OperationalError(sqlite_text))
    message, code = describe(exc, Path("/srv/k/kiosk.sqlite3"))
    assert code == 1 and message.startswith("/srv/k/kiosk.sqlite3: ") and expected in message


def test_corrupt_database(tmp_path, capsys):
    store = tmp_path / "d" / "kiosk.sqlite3"
    store.parent.mkdir()
    store.write_bytes(b"this is not sqlite" * 400)
    code, err = run(capsys, "--data-dir", str(store.parent), "sales", "list")
    assert code == 1
    assert one_line(err) == (
        f"kiosk: {store}: not a readable database (damaged): move it aside and restore the "
        "latest backup"
    )


def test_verbose_shows_the_traceback(tmp_path):
    store = tmp_path / "d" / "kiosk.sqlite3"
    store.parent.mkdir()
    store.write_bytes(b"this is not sqlite" * 400)
    with pytest.raises(Exception, match="file is not a database"):
        main(["-v", "--data-dir", str(store.parent), "sales", "list"])


def test_an_unexpected_error_is_one_line_pointing_at_verbose(monkeypatch, data, capsys):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("kiosk.app.open_store", broken)
    code, err = run(capsys, "--data-dir", data, "sales", "list")
    assert code == 1
    assert one_line(err) == (
        "kiosk: unexpected error: ZeroDivisionError: boom (run again with -v for the details)"
    )


def test_backoffice_unreachable_postgres_is_one_line(capsys):
    url = "postgresql+psycopg://kiosk:secret@127.0.0.1:1/store"
    assert backoffice_main(["--database-url", url, "migrate"]) == 1
    err = capsys.readouterr().err
    line = one_line(err)
    assert line.startswith("kiosk-backoffice: cannot connect to postgresql+psycopg://kiosk:***@")
    assert "secret" not in line


def test_backoffice_add_staff_reads_the_password_from_stdin(
    tmp_path, backoffice_url, monkeypatch, capsys
):
    import io

    url = backoffice_url
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert backoffice_main(["--database-url", url, "add-staff", "boss", "--role", "admin"]) == 0
    assert "added boss (admin)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert backoffice_main(["--database-url", url, "add-staff", "boss", "--role", "admin"]) == 1
    assert one_line(capsys.readouterr().err) == "kiosk-backoffice: user 'boss' already exists"


def test_backoffice_store_clock_is_the_store_zone():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from kiosk.backoffice.cli import store_clock

    now = store_clock("Pacific/Kiritimati")()
    expected = datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(tzinfo=None)
    assert abs(now - expected) < timedelta(minutes=1)


def test_backoffice_unknown_time_zone_is_one_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    assert backoffice_main(["--database-url", url, "--time-zone", "Mars/Base", "serve"]) == 1
    assert one_line(capsys.readouterr().err) == (
        "kiosk-backoffice: --time-zone 'Mars/Base': not an IANA time zone such as Asia/Tokyo"
    )


def test_backoffice_unknown_plugin_is_one_line(tmp_path, backoffice_url, capsys):
    url = backoffice_url
    assert backoffice_main(["--database-url", url, "serve", "--plugin", "no-such-plugin"]) == 1
    assert one_line(capsys.readouterr().err) == (
        "kiosk-backoffice: --plugin no-such-plugin: not installed (or failed to load)"
    )


def test_backoffice_migrate_refuses_a_sqlite_file_that_is_not_there(tmp_path, capsys):
    """GIVEN a mistyped SQLite path WHEN ``migrate`` runs THEN one line names the file and
    nothing is made; with ``--create`` (a new store) it is made and migrated."""
    missing = tmp_path / "backofice.sqlite3"  # the typo of backoffice.sqlite3
    url = f"sqlite:///{missing}"
    assert backoffice_main(["--database-url", url, "migrate"]) == 1
    line = one_line(capsys.readouterr().err)
    assert str(missing) in line and "--create" in line
    assert not missing.exists()
    assert backoffice_main(["--database-url", url, "migrate", "--create"]) == 0
    assert missing.exists() and "up to date" in capsys.readouterr().out
    assert backoffice_main(["--database-url", url, "migrate"]) == 0  # there now: no flag needed


@pytest.mark.parametrize(
    "command",
    [
        ["add-staff", "admin", "--role", "admin", "--password", "correct horse battery"],
        ["enrol-kiosk", "K01"],
        ["revoke-kiosk", "K01"],
        ["set-issuer", "さくらマート", "T5835678256246"],
        ["publish"],
        ["verify-audit"],
        ["reports", "generate"],
        ["partitions", "list"],
        ["serve", "--port", "0"],
        ["backup", "copy.backup"],
    ],
    ids=lambda command: command[0] if command[0] != "partitions" else "partitions",
)
def test_backoffice_commands_refuse_a_sqlite_file_that_is_not_there(
    tmp_path, capsys, monkeypatch, command
):
    """GIVEN a mistyped SQLite path WHEN any command but ``migrate``/``restore`` runs THEN
    one line names the file and says how to make a store; no empty database is left behind
    (SQLite makes a missing file on first use: ``add-staff`` filled a new, empty store)."""
    monkeypatch.chdir(tmp_path)  # `backup copy.backup` and the key land here
    monkeypatch.setenv("KIOSK_KEY_DIR", str(tmp_path / "keys"))
    missing = tmp_path / "backofice.sqlite3"  # the typo of backoffice.sqlite3
    assert backoffice_main(["--database-url", f"sqlite:///{missing}", *command]) == 1
    line = one_line(capsys.readouterr().err)
    assert str(missing) in line and "kiosk-backoffice migrate --create" in line
    assert not missing.exists() and not (tmp_path / "copy.backup").exists()


def test_backoffice_default_database_is_made_by_migrate_only(tmp_path, capsys, monkeypatch):
    """GIVEN the default database (var/backoffice.sqlite3, relative: the README's first
    set-up) WHEN ``add-staff`` runs before ``migrate``, or in another folder THEN it is refused
    by name; ``migrate`` (no flag) makes it, as the README's quick start does."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BACKOFFICE_PASSWORD", "correct horse battery")
    made = tmp_path / "var" / "backoffice.sqlite3"
    (tmp_path / "var").mkdir()
    assert backoffice_main(["add-staff", "admin", "--role", "admin"]) == 1
    assert str(made) in one_line(capsys.readouterr().err) and not made.exists()
    assert backoffice_main(["migrate"]) == 0
    assert backoffice_main(["add-staff", "admin", "--role", "admin"]) == 0
    assert "added admin (admin)" in capsys.readouterr().out


def test_backoffice_set_issuer_with_a_bad_registration_number_is_one_clear_line(
    backoffice_url, capsys
):
    """GIVEN a mistyped 登録番号 WHEN ``set-issuer`` runs THEN one line says what the number
    must be, with exit 1 and nothing stored. Before: ``unexpected error:
    InvalidRegistrationNumber: … (run again with -v …)``, as for a bug in the program."""
    for wrong in ("T123", "5835678256246", "T5835678256245"):  # short, no T, check digit
        code = backoffice_main(["--database-url", backoffice_url, "set-issuer", "店", wrong])
        line = one_line(capsys.readouterr().err)
        assert code == 1
        assert line.startswith(f"kiosk-backoffice: registration number '{wrong}': ")
        assert "unexpected" not in line and "T5835678256246" in line  # what one looks like


def test_backoffice_restore_without_an_answer_is_not_confirmed(
    tmp_path, backoffice_url, monkeypatch, capsys
):
    """GIVEN ``restore`` run from a script (stdin closed) WHEN it asks to replace the
    database THEN no answer is no: one line saying how to confirm, exit 1. Before:
    ``unexpected error: EOFError: EOF when reading a line``."""
    import io
    import shutil

    backup = tmp_path / "old.backup"  # a back-office copy (a file that is none is refused first)
    shutil.copy(tmp_path / "bo.sqlite3", backup)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = backoffice_main(["--database-url", backoffice_url, "restore", str(backup)])
    line = one_line(capsys.readouterr().err.split("? [y/N] ")[-1])
    assert code == 1
    assert line == "kiosk-backoffice: not restored: nobody answered y (pass --yes in a script)"
