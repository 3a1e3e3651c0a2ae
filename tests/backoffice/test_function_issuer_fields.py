"""GIVEN `kiosk-backoffice set-issuer` with a field every e-receipt would print wrong — a
control character, a bidi override, 500 characters of name, an empty name — WHEN run THEN one
line names the field and nothing is stored; a plain issuer is stored."""

from __future__ import annotations

import pytest

from kiosk.backoffice.cli import main
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.ereceipt.web import get_issuer

NUMBER = "T5835678256246"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["N" * 101, NUMBER], "issuer name: is 101 characters long; at most 100"),
        (["Shop\x07", NUMBER], "issuer name: contains U+0007"),
        ([" ", NUMBER], "issuer name: is empty"),
        (["Shop", NUMBER, "--address", "A" * 201], "issuer address: is 201 characters"),
        (["Shop", NUMBER, "--address", "1-1\nX"], "issuer address: contains U+000A"),
        (["Shop", NUMBER, "--phone", "03\u202e1234"], "issuer phone: contains U+202E"),
        (["Shop", NUMBER, "--phone", "0" * 33], "issuer phone: is 33 characters"),
    ],
)
def test_function_a_field_an_e_receipt_cannot_print_is_refused(backoffice_url, capsys, args, said):
    assert main(["--database-url", backoffice_url, "set-issuer", *args]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and said in captured.err
    with Database(backoffice_url).reading() as s:
        assert get_issuer(s) is None


def test_function_a_plain_issuer_is_stored(backoffice_url, capsys):
    args = ["テスト商店", NUMBER, "--address", "東京都千代田区1-1", "--phone", "03-1234-5678"]
    assert main(["--database-url", backoffice_url, "set-issuer", *args]) == 0
    with Database(backoffice_url).reading() as s:
        issuer = get_issuer(s)
    assert (issuer.name, issuer.address, issuer.phone) == (args[0], args[3], args[5])
