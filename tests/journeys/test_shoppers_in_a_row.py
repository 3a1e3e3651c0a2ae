"""Shoppers one after another on one running kiosk, driven through X as a person would.

The kiosk is started with the README's command (``kiosk --config FILE demo``) on its own
Xvfb screen; every tap is a pointer click at a button's centre, every scan a keyboard-wedge
burst. After each step the test reads what the screen shows and checks the figures a
shopper relies on are this sale's own. The order of the tests is the order of shoppers.
"""

from __future__ import annotations

import re

import pytest

from tests.journeys.kiosk_process import KioskProcess, Screen

pytestmark = [pytest.mark.ui, pytest.mark.journey]

RICE_BALL = "4901234000018"  # おにぎり 鮭 ¥150, 8 %
RICE_5KG = "4901234000193"  # 米 5kg ¥2,480, 8 %
BEER = "4901234000292"  # ビール 350ml ¥228, 10 %, age-restricted
MILK = "4901234000063"  # 牛乳 1000ml ¥248, 8 %
ORANGE_JUICE = "4901234000170"  # オレンジジュース 1L ¥228, 8 %


def yen(amount: int) -> str:
    return f"￥{amount:,}"


def value_after(screen: Screen, label: str | re.Pattern[str]) -> str:
    """The text shown right after ``label`` (a summary row: label, then its figure)."""
    texts = [" ".join(t.split()) for t in screen.texts()]
    rx = label if isinstance(label, re.Pattern) else re.compile(f"^{re.escape(label)}$")
    for i, text in enumerate(texts[:-1]):
        if rx.search(text):
            return texts[i + 1]
    raise AssertionError(f"no {label!r} on screen {screen.name}: {screen.joined()}")


def back_to_attract(kiosk: KioskProcess) -> None:
    """Leave the receipt choice without paper and wait for the next shopper's screen."""
    kiosk.tap("レシート不要") if kiosk.screen().language == "ja" else kiosk.tap("No receipt")
    kiosk.wait_screen("attract", timeout=30)


def test_first_shopper_pays_cash_and_sees_the_sale_on_the_receipt_screen(kiosk: KioskProcess):
    kiosk.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    kiosk.scan(RICE_5KG)
    screen = kiosk.wait_text("2点")
    assert value_after(screen, "合計") == yen(2630)
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("現金$"))
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(2630)
    back_to_attract(kiosk)


def test_a_language_change_mid_sale_shows_this_sales_total(kiosk: KioskProcess):
    kiosk.tap("タッチしてはじめる")
    kiosk.wait_screen("shopping")
    kiosk.scan(ORANGE_JUICE)
    kiosk.scan(MILK)
    kiosk.wait_text("2点")
    kiosk.tap("English")
    screen = kiosk.wait_text(r"\bTotal\b")
    assert value_after(screen, "Total") == yen(476)
    kiosk.tap(re.compile("^Pay"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("Cash$"))
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "Total") == yen(476)
    back_to_attract(kiosk)


def test_look_up_works_for_one_shopper_after_another(kiosk: KioskProcess):
    for shopper in range(2):
        if kiosk.screen().name == "attract":
            kiosk.tap(re.compile("^(タッチしてはじめる|Touch to start)$"))
        kiosk.wait_screen("shopping")
        if kiosk.screen().language != "ja":
            kiosk.tap("日本語")
        kiosk.tap("商品をさがす")
        lookup = kiosk.wait_screen("lookup")
        departments = [w for w in lookup.widgets if w.text in {"惣菜", "食品・飲料", "青果"}]
        assert len(departments) == 3, f"shopper {shopper}: {lookup.joined()}"
        assert all(not w.disabled for w in departments)
        header = next(w for w in lookup.widgets if w.text == "商品をさがす")
        assert all(w.box[1] >= header.box[1] + header.box[3] for w in departments), (
            f"shopper {shopper}: department tiles drawn over the header"
        )
        kiosk.tap("食品・飲料")
        products = kiosk.wait_text("商品にタッチすると追加されます")
        assert products.find("あ"), "the kana pad is shown"
        kiosk.tap(re.compile("^牛乳 1000ml"))
        kiosk.tap("お買い物に戻る")
        shopping = kiosk.wait_text("1点")
        assert value_after(shopping, "合計") == yen(248)
        kiosk.tap(re.compile("^お会計"))
        kiosk.wait_screen("methods")
        kiosk.tap(re.compile("現金$"))
        kiosk.wait_screen("receipt", timeout=30)
        back_to_attract(kiosk)
