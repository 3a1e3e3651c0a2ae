"""A return (返品) at the kiosk, driven through X as staff drive it.

A shopper buys two items and takes the printed receipt; a member of staff scans the
receipt's sale code with the (keyboard-wedge) scanner, signs in with ID and PIN on the
staff overlay, returns one line, and the screen and the printed return receipt /
適格返還請求書 show the refund. Every tap is a pointer click, every scan a key burst.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.journeys.kiosk_process import KioskProcess, Screen, Widget
from tests.journeys.test_shoppers_in_a_row import (
    MILK,
    RICE_BALL,
    checkout,
    pay_cash,
    start_in_japanese,
    value_after,
    yen,
)

pytestmark = [pytest.mark.ui, pytest.mark.journey]

SALE_CODE = re.compile(r"SR1:[A-Za-z0-9%._~-]+:\d{8}:\d+:[0-9a-f]{1,8}:[0-9A-Z*]")


def shot(kiosk: KioskProcess, name: str) -> None:
    """With ``KIOSK_JOURNEY_SHOTS=DIR``, a picture of the screen (to look at, not asserted)."""
    folder = os.environ.get("KIOSK_JOURNEY_SHOTS")
    if folder:
        from PIL import ImageGrab

        ImageGrab.grab(xdisplay=kiosk.display).save(Path(folder) / f"{name}.png")


def printed_jobs(kiosk: KioskProcess) -> int:
    return int(kiosk.device("printer")["detail"]["jobs"])


def wait_for_paper(kiosk: KioskProcess, before: int) -> str:
    kiosk.wait(lambda s: printed_jobs(kiosk) > before, 30, "the printer to cut a receipt")
    return str(kiosk.device("printer")["detail"]["last_paper"])


def plus_of(screen: Screen, item: str) -> Widget:
    """The + button on the row that names ``item`` (the same height on the screen)."""
    label = next(w for w in screen.widgets if item in w.text and w.text != "+")
    row_y = label.centre[1]
    pluses = [w for w in screen.widgets if w.text == "+" and abs(w.centre[1] - row_y) < 20]
    assert pluses, f"no + beside {item}: {screen.joined()}"
    return pluses[0]


def paper_receipt_code(kiosk: KioskProcess) -> str:
    """The shopper, paid, takes the printed receipt: its sale code (SR1:…); the kiosk then
    waits for the next shopper."""
    kiosk.wait_screen("receipt", timeout=30)
    before = printed_jobs(kiosk)
    kiosk.tap("レシートを印刷")
    receipt = wait_for_paper(kiosk, before)
    found = SALE_CODE.search(receipt)
    assert found, receipt
    kiosk.wait_screen("attract", timeout=60)
    return found.group(0)


def sales_lines(kiosk: KioskProcess, what: str = "the sale's lines") -> Screen:
    """The return screen listing the sale's lines (after a scan of its code)."""
    return kiosk.wait(
        lambda s: s.name == "returns" and "返品する商品と数量を選んでください。" in s.joined(),
        20,
        what,
    )


def again(kiosk: KioskProcess, code: str) -> Screen:
    """続けて返品: the same receipt scanned again; its lines with what is left."""
    kiosk.tap("続けて返品")
    kiosk.wait_text("レシートのコードをスキャンするか、レシート番号を入力してください。")
    shot(kiosk, "return-4-find")
    kiosk.scan(code)
    return sales_lines(kiosk, "the sale again")


def test_staff_scan_the_receipt_return_one_line_and_print_the_return_receipt(
    kiosk: KioskProcess,
):
    # the shopper: a rice ball and milk, cash, and the paper receipt
    start_in_japanese(kiosk)
    kiosk.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    kiosk.scan(MILK)
    shopping = kiosk.wait_text("2点")
    assert value_after(shopping, "合計") == yen(398)
    checkout(kiosk)
    pay_cash(kiosk, [1000], due=398)
    code = paper_receipt_code(kiosk)
    shot(kiosk, "return-0-attract")

    # staff: the receipt's code on the scanner opens the staff sign-in
    kiosk.scan(code)
    overlay = kiosk.wait_text("返品：係員がサインインして取引を探し、返金します。")
    assert "係員専用" in overlay.joined() or "Staff only" in overlay.joined(), overlay.joined()
    shot(kiosk, "return-1-sign-in")
    kiosk.staff_sign_in(touch_fields=True)
    choosing = sales_lines(kiosk)
    assert re.search(r"牛乳 1000ml\s+支払 ￥248\s+返品可 1", choosing.joined()), choosing.joined()
    kiosk.click_at(*plus_of(choosing, "牛乳").centre)
    chosen = kiosk.wait_text(re.escape("返金額 " + yen(248)))
    assert "担当：S001" in chosen.joined()
    shot(kiosk, "return-2-chosen")
    before = printed_jobs(kiosk)
    kiosk.tap("返金して印刷")
    done = kiosk.wait_text(re.escape("返金しました " + yen(248)), timeout=30)
    assert "現金：" + yen(248) in done.texts(), done.joined()
    assert "返品レシート(適格返還請求書)を印刷しました。" in done.joined()
    shot(kiosk, "return-3-refunded")
    paper = wait_for_paper(kiosk, before)
    assert "適格返還請求書" in paper, paper
    assert "牛乳" in paper and "おにぎり" not in paper, paper
    assert "248" in paper, paper
    assert "8%対象 返還額" in paper, paper
    assert code in paper, paper  # the original sale's code, to find it again

    # the same receipt again: only the rice ball is left to return
    lines = again(kiosk, code)
    assert re.search(r"牛乳 1000ml\s+支払 ￥248\s+返品可 0", lines.joined()), lines.joined()
    kiosk.tap("閉じる")
    kiosk.wait_screen("attract", timeout=10)


BANANAS = "バナナ"  # PLU 101, ¥398 per kg, 8 %, weighed at the kiosk


def test_staff_return_part_of_a_weighed_line_by_its_grams(kiosk: KioskProcess):
    # the shopper weighs 750 g of bananas on the kiosk's scale: ¥398/kg × 750 g = ¥298
    start_in_japanese(kiosk)
    kiosk.tap(re.compile("^(タッチしてはじめる)$"))
    kiosk.wait_screen("shopping")
    kiosk.tap("商品をさがす")
    kiosk.wait_screen("lookup")
    kiosk.tap("青果")
    kiosk.tap(re.compile(f"^{BANANAS}\\s"))
    kiosk.wait_screen("weigh")
    kiosk.panel("scale", "set_weight", grams=750)
    weighed = kiosk.wait_text(re.escape(yen(298)))
    assert "750 g" in weighed.joined() or "750g" in weighed.joined(), weighed.joined()
    kiosk.tap("かごに入れる")
    shopping = kiosk.wait(lambda s: s.name == "shopping" and BANANAS in s.joined())
    kiosk.panel("scale", "set_weight", grams=0)  # the bag comes off the scale
    assert value_after(shopping, "合計") == yen(298)
    checkout(kiosk)
    pay_cash(kiosk, [1000], due=298)
    code = paper_receipt_code(kiosk)

    # staff take back 300 g of it: typed on the weight step, refunded pro rata
    kiosk.scan(code)
    kiosk.wait_text("返品：係員がサインインして取引を探し、返金します。")
    kiosk.staff_sign_in(touch_fields=True)
    choosing = sales_lines(kiosk)
    assert re.search(rf"{BANANAS}\s+支払 ￥298\s+返品可 750g", choosing.joined()), choosing.joined()
    kiosk.tap("重さ")
    kiosk.wait_text(re.escape(f"{BANANAS} の返品する重さ(g、最大 750 g)"))
    shot(kiosk, "weighed-return-1-grams")
    for key in "300":
        kiosk.tap(key)
    kiosk.wait_text("300 g")
    kiosk.tap("OK")
    # ¥298 × 300 g / 750 g = ¥119.2 → ¥119 (the rest stays returnable: 450 g, ¥179)
    chosen = kiosk.wait_text(re.escape("返金額 " + yen(119)))
    assert "300g" in chosen.texts(), chosen.joined()
    shot(kiosk, "weighed-return-2-chosen")
    before = printed_jobs(kiosk)
    kiosk.tap("返金して印刷")
    done = kiosk.wait_text(re.escape("返金しました " + yen(119)), timeout=30)
    assert "現金：" + yen(119) in done.texts(), done.joined()
    paper = wait_for_paper(kiosk, before)
    assert "適格返還請求書" in paper, paper
    lines = [line.strip() for line in paper.splitlines()]
    banana = next(i for i, line in enumerate(lines) if BANANAS in line)
    assert lines[banana].endswith(yen(119)), paper
    assert lines[banana + 1] == "300g", paper  # the grams that came back, under the line
    assert "8%対象 返還額" in paper, paper

    # the same receipt again: 450 g are left to return
    lines = again(kiosk, code)
    assert re.search(rf"{BANANAS}\s+支払 ￥298\s+返品可 450g", lines.joined()), lines.joined()
    kiosk.tap("閉じる")
    kiosk.wait_screen("attract", timeout=10)
