"""``kiosk return``: find the sale by receipt number, return a line, print the invoice.

GIVEN a cash sale made with ``kiosk checkout --script``
WHEN staff run ``kiosk return 1 --line 3`` with their PIN on standard input
THEN the 適格返還請求書 is printed, the line is no longer returnable, and a second try, or a
     wrong PIN, is one clear line and exit 1.
"""

from __future__ import annotations

import io

from kiosk.cli import main


def _run(monkeypatch, capsys, data_dir, *args, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(data_dir), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_return_one_line(tmp_path, monkeypatch, capsys):
    script = tmp_path / "sale.txt"
    script.write_text("scan 4901234000018\nscan 4901234000193\npay cash\n", encoding="utf-8")
    data = tmp_path / "data"
    assert _run(monkeypatch, capsys, data, "checkout", "--script", str(script))[0] == 0
    code, out, _ = _run(monkeypatch, capsys, data, "return", "--amount", "2630")
    assert code == 0 and out.startswith("receipt 1 ") and "2630 yen" in out
    code, out, _ = _run(monkeypatch, capsys, data, "return", "--amount", "1")
    assert code == 0 and out == ""
    code, out, _ = _run(monkeypatch, capsys, data, "return", "1")
    assert code == 0 and "line 2:" in out and "returnable 1" in out

    def staff_return(line: str, pin: str) -> tuple[int, str, str]:
        """S001 takes back ``line`` of receipt 1, typing ``pin`` when asked."""
        staff = ("--reason", "changed_mind", "--staff", "S001")
        return _run(
            monkeypatch, capsys, data, "return", "1", "--line", line, *staff, stdin=pin + "\n"
        )

    code, out, err = staff_return(line="2", pin="1234")
    assert code == 0, err
    assert "適格返還請求書" in out and "T5835678256246" in out and "返金合計" in out
    code, _, err = staff_return(line="2", pin="1234")
    assert (
        code == 1
        and err.strip().splitlines()[-1] == "kiosk: return: line 2: nothing left to return"
    )
    code, _, err = staff_return(line="1", pin="0000")
    assert code == 1 and "wrong staff id or PIN" in err


def test_cli_return_a_line_the_sale_does_not_have(tmp_path, monkeypatch, capsys):
    """GIVEN a sale of two lines WHEN staff type ``--line 9`` (or ``--line 9:1``) THEN the
    one line says the sale has no line 9 and which it has; no PIN is asked first. Before:
    ``line 9: nothing left to return``, as if line 9 had been returned already (and with
    ``9:1`` the PIN was asked before the refusal)."""
    script = tmp_path / "sale.txt"
    script.write_text("scan 4901234000018\nscan 4901234000193\npay cash\n", encoding="utf-8")
    data = tmp_path / "data"
    assert _run(monkeypatch, capsys, data, "checkout", "--script", str(script))[0] == 0
    for line in ("9", "9:1", "0"):
        staff = ("--reason", "changed_mind", "--staff", "S001")
        code, _, err = _run(monkeypatch, capsys, data, "return", "1", "--line", line, *staff)
        assert code == 1
        assert err.strip().splitlines()[-1] == (
            f"kiosk: return: receipt 1 has no line {line.partition(':')[0]} (its lines: 1, 2)"
        )
