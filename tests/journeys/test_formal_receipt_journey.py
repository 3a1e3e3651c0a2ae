"""A shopper asks for a 領収書 after paying; later staff reprint it at the staff overlay.

Driven through X as a person would (pointer clicks on the kiosk's own keys, a wedge scan);
what the screen shows comes from the introspection socket and what was printed from the
simulated printer's last paper (the device panel).
"""

from __future__ import annotations

import re

import pytest

from tests.journeys.kiosk_process import KioskProcess
from tests.journeys.test_shoppers_in_a_row import (
    RICE_BALL,
    checkout,
    pay_cash,
    start_in_japanese,
    value_after,
    yen,
)

pytestmark = [pytest.mark.ui, pytest.mark.journey]


def printed(kiosk: KioskProcess, before: int) -> str:
    """Wait for the printer's next job and return its paper."""
    kiosk.wait(lambda _s: kiosk.device("printer")["detail"]["jobs"] > before, 30, "a print job")
    return kiosk.device("printer")["detail"]["last_paper"]


def jobs(kiosk: KioskProcess) -> int:
    return kiosk.device("printer")["detail"]["jobs"]


def test_shopper_asks_for_a_formal_receipt_then_staff_reprint_it(kiosk: KioskProcess):
    start_in_japanese(kiosk)
    kiosk.scan(RICE_BALL)
    kiosk.wait_text("1点")
    checkout(kiosk)
    pay_cash(kiosk, [1000], due=150)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "おつり") == yen(850)

    # the receipt screen offers the 領収書; the shopper types the addressee in katakana
    kiosk.tap("領収書が必要な方")
    form = kiosk.wait_screen("formal_receipt")
    assert "宛名：" in form.joined() and "お品代として" in form.texts()
    kiosk.tap("アイウ")
    for key in ("ヤ", "マ", "タ", "゛"):  # ダ: タ then the voiced mark
        kiosk.tap(key)
    kiosk.tap("(株)")
    kiosk.tap("御中")
    kiosk.tap("事務用品代として")
    form = kiosk.wait_text("ヤマダ\\(株\\)")
    assert any(t.startswith("宛名：ヤマダ(株)") and t.endswith("御中") for t in form.texts())
    before = jobs(kiosk)
    kiosk.tap("印刷する")
    paper = printed(kiosk, before)
    assert "領 収 書" in paper and "再発行" not in paper, paper
    assert "ヤマダ(株) 御中" in paper, paper
    assert "但し 事務用品代として" in paper, paper
    assert "￥150-" in paper, paper
    receipt_no = re.search(r"レシート No\.(\d{6})", paper)
    assert receipt_no, paper
    kiosk.wait_text("印刷しました。領収書をお取りください。")
    kiosk.tap("戻る")
    kiosk.wait_screen("receipt")
    kiosk.tap("レシート不要")
    kiosk.wait_screen("attract", timeout=30)

    # the next shopper calls staff, who reprint that 領収書 from the overlay
    start_in_japanese(kiosk)
    kiosk.scan(RICE_BALL)
    kiosk.wait_text("1点")
    kiosk.tap("係員を呼ぶ")
    kiosk.tap("領収書の再発行")
    kiosk.wait_text("係員専用")
    kiosk.staff_sign_in(touch_fields=True)
    form = kiosk.wait_screen("formal_receipt", timeout=20)
    assert "領収書の再発行" in form.texts()
    for digit in str(int(receipt_no.group(1))):
        kiosk.tap(digit)
    kiosk.wait_text(f"レシート番号：{int(receipt_no.group(1))} \\|")
    before = jobs(kiosk)
    kiosk.tap("印刷する")
    paper = printed(kiosk, before)
    # marked above the title and below the issuer (a training kiosk adds its 練習 lines)
    lines = [line.strip() for line in paper.splitlines() if line.strip()]
    marks = [i for i, line in enumerate(lines) if line == "＊＊ 再発行 ＊＊"]
    registration = next(i for i, line in enumerate(lines) if line.startswith("登録番号"))
    assert len(marks) == 2 and marks[0] < lines.index("領 収 書") and marks[1] > registration
    assert "￥150-" in paper and "但し お品代として" in paper, paper
    kiosk.wait_text("再発行として印刷しました。お取りください。")
    kiosk.tap("戻る")
    kiosk.wait_screen("shopping")
