"""`kiosk-backoffice serve` on a new database: the person starting it learns how to sign in.

GIVEN a back office with no staff account (its first start)
WHEN it is served
THEN one warning line on stderr says which command makes the first admin; once an account
exists, nothing is said.
"""

from __future__ import annotations

import pytest

from kiosk.backoffice.cli import _db, _parser, _warn_without_staff, main


def test_function_first_serve_says_how_to_make_the_first_admin(
    tmp_path, backoffice_url, capsys, monkeypatch
):
    url = backoffice_url
    database = _db(_parser().parse_args(["--database-url", url, "migrate"]))
    _warn_without_staff(database)
    warning = capsys.readouterr().err
    assert warning.count("\n") == 1
    assert "no staff account yet" in warning
    assert "kiosk-backoffice add-staff NAME --role admin" in warning

    monkeypatch.setenv("BACKOFFICE_PASSWORD", "correct horse battery")
    assert main(["--database-url", url, "add-staff", "admin", "--role", "admin"]) == 0
    capsys.readouterr()
    _warn_without_staff(database)
    assert capsys.readouterr().err == ""


def test_function_serve_on_a_port_in_use_is_one_line(tmp_path, backoffice_url, capsys):
    """GIVEN something already listening on the port WHEN serve starts THEN one line on
    stderr names the address and says what to do, and the exit is non-zero (uvicorn wrote
    six log lines after starting the app and shutting it down again)."""
    import socket

    url = backoffice_url
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--database-url", url, "serve", "--host", "127.0.0.1", "--port", str(port)])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and f"--port {port}: cannot listen there" in err


def test_function_serve_on_a_port_past_65535_is_refused_by_name(tmp_path, capsys):
    """GIVEN --port 99999 WHEN serve THEN the usage line names the port, exit 2, before the
    database or the socket is touched (it was an "unexpected error: OverflowError")."""
    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    with pytest.raises(SystemExit) as exit_:
        main(["--database-url", url, "serve", "--port", "99999"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --port: 99999 is not a port (0–65535)" in err
    assert "unexpected error" not in err and not (tmp_path / "bo.sqlite3").exists()


def test_function_a_bad_or_in_memory_database_url_is_one_line(tmp_path, capsys):
    """GIVEN a mistyped --database-url, an unknown kind, or SQLite in memory WHEN a command
    runs THEN one line names the setting and the two URL forms, and the exit is non-zero:
    before, "unexpected error: ArgumentError", and sqlite:// migrated (and served) a database
    that lost everything when the process ended. A password is never echoed."""
    for url, problem in (
        ("garbage", "not a database URL"),
        ("nonsense://user:hunter2@host/x", "not a database URL"),
        ("sqlite://", "in-memory database"),
        ("sqlite:///:memory:", "in-memory database"),
    ):
        assert main(["--database-url", url, "migrate"]) != 0, url
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and problem in err and "--database-url" in err, err
        assert "hunter2" not in err and "sqlite:///PATH" in err
    assert (
        main(["--database-url", f"sqlite:///{tmp_path / 'bo.sqlite3'}", "migrate", "--create"]) == 0
    )
