"""The kiosk command, run as a newcomer would run it."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main

SCRIPT = """\
# two rice balls, a cabbage by PLU, 350 g of bananas, a deli label, then cash
scan 4901234000018
scan 4901234000018
plu 107
weigh 101 350
scan 0200201003989
pay cash 2000
print receipt.txt
finish
"""


def test_checkout_script_sells_and_prints(tmp_path, capsys):
    script = tmp_path / "visit.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "d"), "checkout", "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "PAID ¥1,035" in out  # 300 + 198 + 139 + 398
    receipt = (tmp_path / "receipt.txt").read_text(encoding="utf-8")
    assert "登録番号 T5835678256246" in receipt
    assert "お釣り" in receipt and "￥965" in receipt
    assert main(["--data-dir", str(tmp_path / "d"), "sales", "list"]) == 0
    assert "1 sale(s)" in capsys.readouterr().out


def test_checkout_script_error_names_the_line(tmp_path, capsys):
    script = tmp_path / "bad.txt"
    script.write_text("scan 4901234000018\nscan 12345\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "d"), "checkout", "--script", str(script)]) == 1
    assert "bad.txt:2: scan 12345" in capsys.readouterr().err


def test_checkout_script_refuses_a_quantity_past_the_limit(tmp_path, capsys):
    script = tmp_path / "big.txt"
    script.write_text("plu 107 2\nplu 107 99999999999999999999\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "d"), "checkout", "--script", str(script)]) == 1
    err = capsys.readouterr().err
    assert "big.txt:2: plu 107 99999999999999999999:" in err
    assert "is over the kiosk's limit of 999" in err


def test_journal_verify_reports_tampering(tmp_path, capsys):
    data = tmp_path / "d"
    script = tmp_path / "visit.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    main(["--data-dir", str(data), "checkout", "--script", str(script)])
    assert main(["--data-dir", str(data), "journal", "verify"]) == 0
    raw = sqlite3.connect(data / "kiosk.sqlite3")
    raw.execute("update journal set payload = replace(payload, '1035', '35') where kind = 'sale'")
    raw.commit()
    assert main(["--data-dir", str(data), "journal", "verify"]) == 1
    assert "TAMPERED" in capsys.readouterr().err


def test_configuration_errors_name_the_key(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[kiosk]\nid = "K9"\n[store]\nname = "x"\nregistration_number = "T1234567890123"\n'
    )
    assert main(["--config", str(config), "sales", "list"]) == 2
    assert "[store.registration_number]" in capsys.readouterr().err


def test_narrated_demo_runs_as_a_console_script(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), "demo", "--narrated"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    assert "PAID" in result.stdout and "登録番号" in result.stdout


def test_outbox_list_and_retry_of_a_parked_event(tmp_path, capsys):
    """GIVEN a sale whose outbox event the back office refused (parked) WHEN staff list the
    outbox and retry it THEN it is shown with the reason and queued again under a new seq."""
    from datetime import datetime

    from kiosk.store import LocalStore
    from kiosk.sync import parking

    data = tmp_path / "d"
    script = tmp_path / "visit.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    assert main(["--data-dir", str(data), "checkout", "--script", str(script)]) == 0
    [database] = data.glob("*.sqlite3")
    store = LocalStore(database)
    [row] = store.unsent_outbox()
    assert parking.park(store, row.seq, "HTTP 422: payload.total", datetime(2026, 11, 20, 9))
    store.close()
    capsys.readouterr()
    assert main(["--data-dir", str(data), "outbox", "list"]) == 0
    out = capsys.readouterr().out
    assert "HTTP 422: payload.total" in out and "1 parked awaiting retry" in out
    assert main(["--data-dir", str(data), "doctor"]) == 1  # a parked event needs staff
    assert "1 outbox event(s) refused by the back office" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "outbox", "retry", str(row.seq)]) == 0
    assert f"queued again as seq {row.seq + 1}" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "outbox", "retry", str(row.seq)]) == 1
    assert "retried already" in capsys.readouterr().err


def test_checkout_help_lists_every_script_verb(capsys):
    """A vendor finds the checkout-script verbs in ``kiosk checkout --help``, not the source."""
    from kiosk.script import USAGE

    with pytest.raises(SystemExit):
        main(["checkout", "--help"])
    out = capsys.readouterr().out
    for form in USAGE.values():
        verb = form.split()[0]
        assert f"\n    {verb} " in out, verb


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("plu 101 1", "plu 101 1: PLU 101 is sold by weight: use 'weigh 101 GRAMS'"),
        ("plu 999", "plu 999: no product with code '999'"),
        ("qty 1 abc", "qty 1 abc: 'abc' is not a whole number: use 'qty LINE QUANTITY'"),
        ("void x", "void x: 'x' is not a whole number: use 'void LINE'"),
        ("pay cash lots", "pay cash lots: 'lots' is not a whole number of yen"),
        ("pay bitcoin", "pay bitcoin: no payment method 'bitcoin'"),
        ("approve NOBODY", "approve NOBODY: no staff account 'NOBODY' in [staff.accounts]"),
        (
            "scan KH1H.aaaa.bbbb",  # a hand-off slip the kiosk refuses: said, not silent
            "scan KH1H.aaaa.bbbb: This hand-off slip cannot be used. Please call staff."
            " (no store key to verify hand-off tickets with)",
        ),
    ],
)
def test_checkout_script_mistakes_name_the_line_in_the_scripts_words(tmp_path, capsys, line, says):
    """A script's mistake is one line in the script's own words (not a Python API name, an
    int() message or "unexpected error"), and staff who approve must be a known account."""
    script = tmp_path / "bad.txt"
    script.write_text(f"scan 4901234000292\n{line}\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "d"), "checkout", "--script", str(script)]) == 1
    assert capsys.readouterr().err.strip() == f"kiosk: {script}:2: {says}"
