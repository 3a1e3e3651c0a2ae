"""GIVEN a ¥100 coupon on a basket of ¥88 (silken tofu), so that nothing is left to pay
WHEN the shopper pays
THEN the sale is completed at ¥0 with no tender taken (the coupon used, a receipt number),
and the next shopper can shop.

Before: every method refused ¥0 (``cash takes 1–999999 yen, not 0: choose another method or
split``) and the sale could only be given up. Found with ``kiosk checkout --script`` on the
demo store with its offers (kiosk/data/demo_offers.toml).
"""

from __future__ import annotations

import io
from importlib.resources import files

from kiosk.cli import main
from kiosk.config import DEFAULT_CONFIG

TOFU, COUPON_100, RICE_BALL = "4901234000100", "9990000100", "4901234000018"


def test_a_coupon_that_covers_the_basket_completes_the_sale_at_zero(tmp_path, monkeypatch, capsys):
    offers = (files("kiosk") / "data" / "demo_offers.toml").read_text(encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + offers, encoding="utf-8")
    script = tmp_path / "visit.txt"
    script.write_text(
        f"scan {TOFU}\nscan {COUPON_100}\npay cash\nprint r.txt\nfinish\n"
        f"scan {RICE_BALL}\npay cash 200\nfinish\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    data = tmp_path / "data"
    code = main(
        ["--config", str(config), "--data-dir", str(data), "checkout", "--script", str(script)]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "PAID ¥0 (receipt 1, change ¥0)" in out.out
    assert "PAID ¥150 (receipt 2, change ¥50)" in out.out  # the next shopper
    receipt = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "100円引きクーポン" in receipt and "現金" not in receipt  # no tender on paper
