"""A staff account's user and name are what the audit log says did something: they must
read as they are.

GIVEN `kiosk-backoffice add-staff` with a right-to-left override or a control character in
the user name WHEN run THEN one line names the character and no account is made; a plain
name (any script) is added.
"""

from __future__ import annotations

import pytest

from kiosk.backoffice.cli import main


@pytest.mark.parametrize(
    ("user", "shown"),
    [("ad\u202enimda", "U+202E (right-to-left override)"), ("admin\x1b[2J", "U+001B")],
)
def test_function_a_user_name_that_reads_differently_is_refused(
    tmp_path, backoffice_url, capsys, monkeypatch, user, shown
):
    url = backoffice_url
    monkeypatch.setenv("BACKOFFICE_PASSWORD", "correct horse battery")
    assert main(["--database-url", url, "add-staff", user, "--role", "manager"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("kiosk-backoffice: user: contains")
    assert shown in error
    assert main(["--database-url", url, "add-staff", "店長さくら", "--role", "manager"]) == 0
