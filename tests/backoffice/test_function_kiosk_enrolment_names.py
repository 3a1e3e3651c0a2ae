"""What staff type for a kiosk or an account is shown on every page, in the audit log and in
the kiosk's token: it must fit its column and read as it is.

GIVEN `kiosk-backoffice enrol-kiosk` with an id holding a dot (the token is split at the
first dot), markup or a control character WHEN run THEN one line says what an id may hold
and nothing is enrolled; GIVEN a user name longer than its column WHEN `add-staff` THEN one
line says so; GIVEN `revoke-kiosk` of a kiosk never enrolled THEN the line says which.
"""

from __future__ import annotations

import pytest

from kiosk.backoffice.cli import main
from tests.backoffice.databases import sign_in


@pytest.fixture()
def url(backoffice_url) -> str:
    return backoffice_url


@pytest.mark.parametrize("kiosk_id", ["K.01", "K<script>", "K\x0101", "K" * 33, ""])
def test_function_a_kiosk_id_a_token_cannot_carry_is_refused(url, capsys, kiosk_id):
    assert main(["--database-url", url, "enrol-kiosk", kiosk_id]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no token printed
    assert captured.err.count("\n") == 1
    assert "letters, digits, '-' or '_'" in captured.err
    assert main(["--database-url", url, "revoke-kiosk", kiosk_id]) == 1
    assert "is enrolled" in capsys.readouterr().err  # nothing was


def test_function_a_plain_kiosk_id_gets_a_token_that_names_it(url, capsys):
    assert main(["--database-url", url, "enrol-kiosk", "K-01_b"]) == 0
    assert capsys.readouterr().out.startswith("K-01_b.")


def test_function_revoking_a_kiosk_never_enrolled_names_it(url, capsys):
    assert main(["--database-url", url, "revoke-kiosk", "K99"]) == 1
    assert capsys.readouterr().err == "kiosk-backoffice: no kiosk 'K99' is enrolled\n"


def test_function_a_user_name_longer_than_its_column_is_refused(url, capsys, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_PASSWORD", "correct horse battery")
    assert main(["--database-url", url, "add-staff", "A" * 10_000, "--role", "manager"]) == 1
    error = capsys.readouterr().err
    assert error == "kiosk-backoffice: user: is 10000 characters long; at most 64\n"
    assert main(["--database-url", url, "add-staff", "A" * 64, "--role", "manager"]) == 0


def test_function_revoking_an_unknown_kiosk_from_the_page_is_not_found(client, staff):
    """GIVEN an admin's typo in the revoke form WHEN sent THEN 404 naming the id: 401 is what
    a kiosk with a bad token gets, and says nothing about the form."""
    sign_in(client, staff["admin"])
    refused = client.post("/kiosks/revoke", data={"kiosk_id": "K99"})
    assert refused.status_code == 404
    assert "no kiosk &#39;K99&#39; is enrolled" in refused.text
    enrolled = client.post("/kiosks/enrol", data={"kiosk_id": "K.99", "store_id": "S01"})
    assert enrolled.status_code == 422 and "letters, digits" in enrolled.text
