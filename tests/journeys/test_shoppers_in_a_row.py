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
ORANGE_JUICE = "4901234000179"  # オレンジジュース 1L ¥228, 8 %
GREEN_TEA = "4901234000148"  # 緑茶 500ml ¥138, 8 %


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
    kiosk.tap(NO_RECEIPT[kiosk.screen().language])
    kiosk.wait_screen("attract", timeout=30)


NO_RECEIPT = {
    "ja": "レシート不要",
    "en": "No receipt",
    "zh-Hans": "不要收据",
    "ko": "영수증 필요 없음",
}


def pay_cash(kiosk: KioskProcess, notes: list[int], due: int) -> Screen:
    """Choose cash and put ``notes`` in through the changer, one at a time."""
    kiosk.tap(re.compile("(現金|Cash|现金|현금)$"))
    paying = kiosk.wait(
        lambda s: s.name == "paying" and yen(due) in s.joined(), 30, "cash due", idle=False
    )
    for note in notes:
        kiosk.panel("changer", "insert", yen=note)
    return paying


def test_first_shopper_pays_cash_and_sees_total_paid_and_change(kiosk: KioskProcess):
    kiosk.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    kiosk.scan(RICE_5KG)
    screen = kiosk.wait_text("2点")
    assert value_after(screen, "合計") == yen(2630)
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    pay_cash(kiosk, [1000, 1000, 1000], due=2630)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(2630)
    assert value_after(done, re.compile("^お預かり")) == yen(3000)
    assert value_after(done, "おつり") == yen(370)
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
    pay_cash(kiosk, [1000], due=476)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "Total") == yen(476)
    assert value_after(done, "Change") == yen(524)
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
        kiosk.tap(re.compile("^オレンジジュース 1L"))
        # a touched item goes into the basket and the shopper is back at the basket
        shopping = kiosk.wait(lambda s: s.name == "shopping" and "1点" in s.texts())
        assert value_after(shopping, "合計") == yen(228)
        kiosk.tap(re.compile("^お会計"))
        kiosk.wait_screen("methods")
        pay_cash(kiosk, [1000], due=228)
        kiosk.wait_screen("receipt", timeout=30)
        back_to_attract(kiosk)


ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# What may stay Latin on a Chinese or Korean screen: the language bar's own name for English,
# and abbreviations shoppers read as they are.
LATIN_ALLOWED = {"English", "QR", "IC", "PIN"}


def english_on(screen: Screen) -> list[str]:
    return sorted(
        {w for t in screen.texts() for w in ENGLISH_WORD.findall(t) if w not in LATIN_ALLOWED}
    )


@pytest.mark.parametrize(
    ("language", "start", "total", "pay"),
    [
        ("English", "Touch to start", "Total", "^Pay"),
        ("简体中文", None, "合计", "^结账|^付款|^支付"),
        ("한국어", None, "합계", "^결제|^계산"),
    ],
)
def test_shoppers_in_other_languages_read_their_own_language(
    kiosk: KioskProcess, language: str, start: str | None, total: str, pay: str
):
    kiosk.tap(language)
    attract = kiosk.wait(lambda s: s.language != "ja" or language == "日本語")
    if start:
        kiosk.tap(start)
    else:
        kiosk.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    if start:
        kiosk.scan(RICE_BALL)
    kiosk.scan(GREEN_TEA)
    shopping = kiosk.wait(lambda s: yen(288) in s.joined(), what="the total of two items")
    assert value_after(shopping, total) == yen(288)
    if language != "English":
        assert english_on(attract) == [] and english_on(shopping) == []
    kiosk.tap(re.compile(pay))
    methods = kiosk.wait_screen("methods")
    paying = pay_cash(kiosk, [500], due=288)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, total) == yen(288)
    if language != "English":
        for screen in (methods, paying, done):
            assert english_on(screen) == [], f"{screen.name}: {screen.joined()}"
    back_to_attract(kiosk)


def test_age_check_is_approved_by_staff_in_the_shoppers_language(kiosk: KioskProcess):
    kiosk.tap("日本語")
    kiosk.scan(BEER)
    overlay = kiosk.wait_text("係員ID")
    assert "age_check" not in overlay.joined()
    assert english_on(overlay) == []
    assert len(overlay.find("←")) == 1, "one back-space key on the staff pad"
    for key in "S001":
        kiosk.tap(key)
    kiosk.tap("OK")
    for key in "1234":
        kiosk.tap(key)
    kiosk.tap("OK")
    shopping = kiosk.wait(lambda s: "係員ID" not in s.joined(), what="the overlay to close")
    assert value_after(shopping, "合計") == yen(228)
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    pay_cash(kiosk, [1000], due=228)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(228)
    assert value_after(done, "おつり") == yen(772)
    back_to_attract(kiosk)


def test_a_shopper_calls_staff_then_takes_the_call_back(kiosk: KioskProcess):
    kiosk.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    kiosk.tap("係員を呼ぶ")
    called = kiosk.wait_text("係員ID")
    assert "help_requested" not in called.joined() and english_on(called) == []
    kiosk.tap("呼び出しを取り消す")
    shopping = kiosk.wait(lambda s: "係員ID" not in s.joined(), what="the call taken back")
    assert value_after(shopping, "合計") == yen(150)
    kiosk.scan(RICE_BALL)
    again = kiosk.wait_text("2点")
    assert re.search(r"@￥150 × 2", again.joined()), again.joined()
    assert value_after(again, re.compile("^おにぎり2個で250円")) == "-" + yen(50)
    assert value_after(again, "合計") == yen(250)


def test_a_shopper_stops_shopping_after_a_question(kiosk: KioskProcess):
    if kiosk.screen().name == "attract":
        kiosk.scan(RICE_BALL)
        kiosk.scan(RICE_BALL)
        kiosk.wait_text("2点")
    kiosk.tap("お買い物をやめる")
    question = kiosk.wait_text("お買い物をやめますか")
    assert value_after(question, "合計") == yen(250)
    kiosk.tap("やめる")
    kiosk.wait_screen("attract", timeout=30)


COUPON_100 = "9990000100"  # the demo's printed ¥100 coupon (kiosk/data/demo_offers.toml)
WALLET_CODE = "281234567890123456"  # a wallet app's payment code (18 digits)


def test_discounts_show_as_rows_and_a_card_pays_what_they_leave(kiosk: KioskProcess):
    kiosk.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    kiosk.scan(RICE_BALL)
    kiosk.scan(GREEN_TEA)
    kiosk.scan(COUPON_100)
    screen = kiosk.wait(lambda s: "100円引きクーポン" in s.texts(), what="the coupon row")
    assert value_after(screen, re.compile("^おにぎり2個で250円")) == "-" + yen(50)
    assert value_after(screen, "100円引きクーポン") == "-" + yen(100)
    assert value_after(screen, "合計") == yen(288)  # 150 + 150 + 138 - 50 - 100
    assert re.search(r"8%対象（軽減税率） ￥288（内消費税 ￥21）", screen.joined()), screen.joined()
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("クレジットカード$"))
    done = kiosk.wait_screen("receipt", timeout=60)
    assert value_after(done, "合計") == yen(288)
    assert value_after(done, re.compile("^お預かり")) == yen(288)
    back_to_attract(kiosk)


def test_a_wallet_code_scanned_while_qr_waits_pays(kiosk: KioskProcess):
    kiosk.scan(GREEN_TEA)
    kiosk.wait_screen("shopping")
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("QRコード決済$"))
    kiosk.wait(lambda s: s.name == "paying" and yen(138) in s.joined(), 30, "QR", idle=False)
    kiosk.scan(WALLET_CODE)
    done = kiosk.wait_screen("receipt", timeout=60)
    assert value_after(done, "合計") == yen(138)
    assert WALLET_CODE not in done.joined()
    back_to_attract(kiosk)


def test_e_money_with_no_card_says_so_then_cash_pays(kiosk: KioskProcess):
    kiosk.scan(MILK)
    kiosk.wait_screen("shopping")
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("電子マネー$"))
    failed = kiosk.wait(lambda s: "カードのタッチがなかった" in s.joined(), 60, "no card")
    assert "取り消されました" not in failed.joined()  # not a "cancelled" the shopper never asked
    kiosk.tap("別の方法を選ぶ")
    kiosk.wait_screen("methods")
    pay_cash(kiosk, [1000], due=248)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "おつり") == yen(752)
    back_to_attract(kiosk)


def test_a_large_text_shopper_reads_every_line_whole(kiosk: KioskProcess):
    kiosk.tap("文字を大きく")
    kiosk.scan(RICE_5KG)
    kiosk.wait_screen("shopping")
    kiosk.scan(GREEN_TEA)
    screen = kiosk.wait_text("2点")
    cut = [t for t in screen.texts() if t.rstrip().endswith("…")]
    assert cut == [], f"cut texts: {cut}"
    assert value_after(screen, "合計") == yen(2618)
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")
    pay_cash(kiosk, [5000], due=2618)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "おつり") == yen(2382)
    back_to_attract(kiosk)
