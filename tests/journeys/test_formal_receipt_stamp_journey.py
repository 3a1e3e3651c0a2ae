"""領収書 for large sales: the revenue stamp (収入印紙) note, and an addressee in kanji.

The journeys' store prints a note on a 領収書 that needs a stamp (tests/journeys/conftest.py,
``[store] revenue_stamp_note``). The rule the kiosk implements
(:mod:`kiosk.domain.formal_receipt`): money received of ¥50,000 or more, and for an all-cash
sale the consumption tax printed on the receipt is not part of that amount (印紙税法 基本通達:
tax stated separately is not 記載金額). A card payment is not money received: no note.

Driven through X as a person would; the paper is the simulated printer's last job.
"""

from __future__ import annotations

import re

import pytest

from tests.journeys.conftest import STAMP_NOTE
from tests.journeys.kiosk_process import KioskProcess
from tests.journeys.test_formal_receipt_journey import jobs, printed
from tests.journeys.test_shoppers_in_a_row import RICE_5KG, checkout, pay_cash, value_after, yen
from tests.journeys.test_shoppers_in_a_row import start_in_japanese as new_shopper

pytestmark = [pytest.mark.ui, pytest.mark.journey]

RICE_PRICE = 2480  # 米 5kg, 8 % (reduced rate), tax included


def tax_in(total: int) -> int:
    """The 8 % consumption tax inside a tax-included total (the demo store rounds down)."""
    return total * 8 // 108


def basket_of_rice(kiosk: KioskProcess, bags: int) -> int:
    """A new shopper scans a bag of rice and taps + on its line up to ``bags``; returns the
    total on screen."""
    new_shopper(kiosk)
    kiosk.scan(RICE_5KG)
    kiosk.wait_text("1点")
    for bag in range(2, bags + 1):
        kiosk.tap("+")
        kiosk.wait(lambda s, n=bag: f"{n}点" in s.texts(), 15, f"{bag} bags")
    total = RICE_PRICE * bags
    assert value_after(kiosk.screen(), "合計") == yen(total)
    return total


def ask_for_formal_receipt(kiosk: KioskProcess) -> None:
    kiosk.tap("領収書が必要な方")
    kiosk.wait_screen("formal_receipt")


def print_it(kiosk: KioskProcess) -> str:
    before = jobs(kiosk)
    kiosk.tap("印刷する")
    paper = printed(kiosk, before)
    kiosk.wait_text("印刷しました。領収書をお取りください。")
    kiosk.tap("戻る")
    kiosk.wait_screen("receipt")
    kiosk.tap("レシート不要")
    kiosk.wait_screen("attract", timeout=30)
    return paper


def test_a_cash_sale_of_50000_before_tax_has_the_stamp_note_and_a_kanji_addressee(
    kiosk: KioskProcess,
):
    total = basket_of_rice(kiosk, 22)  # ¥54,560, of which tax ¥4,041: ¥50,519 before tax
    assert total - tax_in(total) == 50_519
    checkout(kiosk)
    pay_cash(kiosk, [10000] * 5 + [5000], due=total)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "おつり") == yen(440)
    ask_for_formal_receipt(kiosk)

    # the addressee in kanji: a surname and a company form from their readings, then the
    # store's own word for a regular customer
    for key in ("や", "ま"):
        kiosk.tap(key)
    form = kiosk.wait_text("宛名：やま")
    assert "山田" in form.texts(), form.joined()  # やま starts 山本, 山田, 山口…
    for key in ("た", "゛"):  # だ: た then the voiced mark
        kiosk.tap(key)
    form = kiosk.wait_text("宛名：やまだ")
    candidates = form.texts()[form.texts().index("漢字の候補") + 1 :]
    assert candidates[0] == "山田", form.joined()  # the whole reading now, first
    kiosk.tap("山田")
    for key in ("か", "ふ", "゛"):  # ぶ: ふ then the voiced mark
        kiosk.tap(key)
    kiosk.tap("株式会社")
    form = kiosk.wait_text("宛名：山田株式会社")
    assert any(t.startswith("宛名：山田株式会社") for t in form.texts()), form.joined()
    kiosk.tap("御中")
    kiosk.tap("事務用品代として")
    paper = print_it(kiosk)
    assert "領 収 書" in paper and "山田株式会社 御中" in paper, paper
    assert "￥54,560-" in paper, paper
    assert STAMP_NOTE in paper, paper  # ¥50,519 before tax: a stamp is due


def test_the_same_amount_by_card_has_no_stamp_note(kiosk: KioskProcess):
    total = basket_of_rice(kiosk, 22)
    checkout(kiosk)
    kiosk.tap(re.compile("クレジットカード$"))
    done = kiosk.wait_screen("receipt", timeout=60)
    assert value_after(done, "合計") == yen(total)
    ask_for_formal_receipt(kiosk)
    kiosk.tap("上様")  # no name: 上様, one tap, nothing after it
    kiosk.wait_text("宛名：上様")
    paper = print_it(kiosk)
    assert "￥54,560-" in paper and "クレジット" in paper, paper
    assert re.search(r"^\s*上様\s*$", paper, re.M), paper
    assert STAMP_NOTE not in paper, paper  # a card payment is not money received


def test_cash_over_50000_with_tax_but_under_it_before_tax_has_no_stamp_note(
    kiosk: KioskProcess,
):
    total = basket_of_rice(kiosk, 21)  # ¥52,080, of which tax ¥3,857: ¥48,223 before tax
    assert total >= 50_000 and total - tax_in(total) == 48_223
    checkout(kiosk)
    pay_cash(kiosk, [10000] * 5 + [5000], due=total)
    kiosk.wait_screen("receipt", timeout=30)
    ask_for_formal_receipt(kiosk)
    for key in ("さ", "く", "ら", "し", "よ", "小", "う"):
        kiosk.tap(key)
    kiosk.tap("さくら商事")  # the store's own word ([store.addressee_words])
    kiosk.wait_text("宛名：さくら商事")
    kiosk.tap("御中")
    paper = print_it(kiosk)
    assert "さくら商事 御中" in paper and "￥52,080-" in paper, paper
    assert STAMP_NOTE not in paper, paper
