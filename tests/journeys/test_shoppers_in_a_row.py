"""Shoppers one after another on one running kiosk, driven through X as a person would.

The kiosk is started with the README's command (``kiosk --config FILE demo``) on its own
Xvfb screen; every tap is a pointer click at a button's centre, every scan a keyboard-wedge
burst. After each step the test reads what the screen shows and checks the figures a
shopper relies on are this sale's own. The order of the tests is the order of shoppers.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest

from tests.journeys.kiosk_process import KioskProcess, Screen, demo_config

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
    kiosk.wait_text("1点")
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
        departments = [w for w in lookup.widgets if w.text in {"お酒", "食品・飲料", "青果"}]
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
# On the Japanese screen, which a visitor meets before choosing a language, the tax-free
# button also says "Tax-free", as the shop's Japan Tax-free sign does.
TAX_FREE_SIGN = {"Tax", "free"}


def english_on(screen: Screen) -> list[str]:
    allowed = LATIN_ALLOWED | (TAX_FREE_SIGN if screen.language == "ja" else set())
    return sorted({w for t in screen.texts() for w in ENGLISH_WORD.findall(t) if w not in allowed})


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
    kiosk.staff_sign_in()
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
    kiosk.scan(WALLET_CODE, idle=False)  # the payment keeps the runtime busy
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


def start_in_japanese(kiosk: KioskProcess) -> None:
    """A new shopper at the attract screen, in Japanese."""
    screen = kiosk.wait_screen("attract", timeout=30)
    if screen.language != "ja":
        kiosk.tap("日本語")
        kiosk.wait(lambda s: s.language == "ja", what="Japanese")


def checkout(kiosk: KioskProcess) -> None:
    kiosk.tap(re.compile("^お会計"))
    kiosk.wait_screen("methods")


def pay_by(kiosk: KioskProcess, item: str, tile: str, instruction: str) -> None:
    """A new shopper scans ``item`` and chooses the method ``tile``: wait for its paying
    screen showing ``instruction``."""
    start_in_japanese(kiosk)
    kiosk.scan(item)
    kiosk.wait_screen("shopping")
    checkout(kiosk)
    kiosk.tap(re.compile(tile))
    kiosk.wait(
        lambda s: s.name == "paying" and instruction in s.joined(), 30, instruction, idle=False
    )


def paid_exactly(kiosk: KioskProcess, total: int) -> None:
    """The receipt choice shows the total paid as it was, no change; then no receipt."""
    done = kiosk.wait_screen("receipt", timeout=60)
    assert value_after(done, "合計") == yen(total)
    assert value_after(done, re.compile("^お預かり")) == yen(total)
    assert "おつり" not in done.texts()  # nothing to give back
    back_to_attract(kiosk)


E_MONEY = ("電子マネー$", "ICカードを読み取り部にタッチ")


def test_e_money_pays_when_a_card_is_touched_on_the_reader(kiosk: KioskProcess):
    pay_by(kiosk, MILK, *E_MONEY)
    assert "¥1,000" in kiosk.panel("emoney", "touch_card", balance=1000)
    paid_exactly(kiosk, 248)


def test_split_tender_a_low_card_then_cash_for_the_rest(kiosk: KioskProcess):
    pay_by(kiosk, RICE_5KG, *E_MONEY)
    kiosk.panel("emoney", "touch_card", balance=1000)  # less than the ¥2,480 due
    methods = kiosk.wait(
        lambda s: s.name == "methods" and "お支払い済み" in s.texts(), 60, "the rest due"
    )
    assert value_after(methods, "お支払い済み") == yen(1000)
    assert value_after(methods, "お支払い金額") == yen(1480)
    paying = pay_cash(kiosk, [1000, 1000], due=1480)
    assert value_after(paying, "お支払い金額") == yen(1480)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(2480)
    assert value_after(done, re.compile("^お預かり")) == yen(3000)  # ¥1,000 card + ¥2,000 cash
    assert value_after(done, "おつり") == yen(520)
    back_to_attract(kiosk)


def test_qr_the_kiosk_shows_its_code_and_the_wallet_pays_it(kiosk: KioskProcess):
    pay_by(
        kiosk,
        GREEN_TEA,
        "^QRコード決済（画面のコード）$",
        "アプリで右のコードを読み取ってください。",
    )
    # one QR code on the screen, the provider's dynamic code, read as a phone would
    shown = kiosk.read_qr_codes()
    assert len(shown) == 1 and shown[0].startswith("https://"), shown
    assert "¥138" in kiosk.panel("qr", "pay_shown_code", retry_s=10)
    paid_exactly(kiosk, 138)


def test_a_shopper_becomes_a_member_and_sees_their_points(kiosk: KioskProcess):
    start_in_japanese(kiosk)
    kiosk.scan(RICE_5KG)
    kiosk.wait_screen("shopping")
    kiosk.tap("会員カード・クーポン")
    kiosk.wait_screen("code")
    kiosk.tap(re.compile("会員登録$"))
    kiosk.wait_screen("enrol")
    kiosk.tap("同意する")
    kiosk.wait_text("電話番号")
    for digit in "09012345678":
        kiosk.tap(digit)
    kiosk.wait_text("090")
    kiosk.tap("登録する")
    welcome = kiosk.wait_text("会員登録が完了しました", timeout=30)
    assert re.search(r"ポイント残高：0 pt", welcome.joined()), welcome.joined()
    kiosk.tap("お買い物に戻る")
    shopping = kiosk.wait(lambda s: s.name == "shopping" and "会員" in s.joined())
    assert re.search(r"会員.*0\s?pt", shopping.joined()), shopping.joined()
    assert value_after(shopping, "合計") == yen(2480)
    checkout(kiosk)
    pay_cash(kiosk, [5000], due=2480)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(2480)
    assert value_after(done, "おつり") == yen(2520)
    # `kiosk demo` is a training kiosk: the points this sale would earn are shown, marked as
    # practice and not awarded, and the balance stays as it was
    earned = value_after(done, "今回獲得ポイント")
    points = re.fullmatch(r"(\d+) pt（練習・付与されません）", earned)
    assert points and int(points[1]) > 0, done.joined()
    assert value_after(done, "ポイント残高") == "0 pt", done.joined()
    back_to_attract(kiosk)


def test_a_shopper_walks_away_and_the_next_one_starts_clean(kiosk: KioskProcess):
    start_in_japanese(kiosk)
    kiosk.scan(ORANGE_JUICE)
    kiosk.wait_text("1点")
    kiosk.scan(MILK)
    kiosk.wait_text("2点")
    # nobody touches the screen: the kiosk asks, then puts the basket aside for staff
    kiosk.wait_text("まだお買い物中ですか？", timeout=60)
    kiosk.wait_screen("attract", timeout=60)
    kiosk.scan(GREEN_TEA)
    shopping = kiosk.wait_text("1点")
    assert value_after(shopping, "合計") == yen(138)  # not the last shopper's ¥476
    checkout(kiosk)
    pay_cash(kiosk, [1000], due=138)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(138)
    assert value_after(done, "おつり") == yen(862)
    back_to_attract(kiosk)


def test_a_visitor_buys_tax_free_with_a_passport(kiosk: KioskProcess):
    from plugins.tax_free.tests.factories import specimen_mrz

    start_in_japanese(kiosk)
    kiosk.tap("タッチしてはじめる")
    kiosk.wait_screen("shopping")
    kiosk.tap(re.compile("^免税でのお買い物"))
    kiosk.wait_screen("taxfree")
    line1, line2 = specimen_mrz(expiry="350415")  # the ICAO specimen, valid today
    kiosk.scan(line1)  # the passport reader: two MRZ lines, each a burst ending in Enter
    kiosk.scan(line2)
    read = kiosk.wait_text("旅券所持者", timeout=20)
    assert "ERIKSSON" in read.joined()
    assert kiosk.screen().find(re.compile("^P<UTO")) == []  # the MRZ is not a basket line
    landed = datetime.now(ZoneInfo("Asia/Tokyo")).date() - timedelta(days=5)
    for digit in landed.strftime("%Y%m%d"):
        kiosk.tap(digit)
    kiosk.wait_text(landed.strftime("%Y / %m / %d"))
    kiosk.tap("短期滞在")
    ready = kiosk.wait_text("お買い物を続ける")
    assert "ERIKSSON" in ready.joined()
    kiosk.tap("お買い物を続ける")
    shopping = kiosk.wait(lambda s: s.name == "shopping" and "TAX-FREE" in s.joined())
    for _ in range(3):
        kiosk.scan(RICE_5KG)
    shopping = kiosk.wait_text("3点")
    assert value_after(shopping, "合計") == yen(7440)
    assert re.search(r"8%対象（軽減税率） ￥7,440（内消費税 ￥551）", shopping.joined()), (
        shopping.joined()
    )
    checkout(kiosk)
    pay_cash(kiosk, [5000, 5000], due=7440)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(7440)
    assert value_after(done, "おつり") == yen(2560)
    assert any(t.startswith("免税: レシートに免税の記載が入ります") for t in done.texts())
    # a training kiosk (`kiosk demo`) says the section is practice and nothing is sent
    assert "練習：免税の記載は練習用に印刷されます。購入記録は国税庁へ送信されません。" in (
        done.joined()
    ), done.joined()
    printed_before = kiosk.device("printer")["detail"]["jobs"]
    kiosk.tap("レシートを印刷")
    kiosk.wait(
        lambda s: kiosk.device("printer")["detail"]["jobs"] > printed_before, 30, "the receipt"
    )
    paper = kiosk.device("printer")["detail"]["last_paper"]
    assert "免税" in paper, paper
    assert "練習：この記録は国税庁へ送信されません。" in paper, paper  # no record is sent
    assert "返金予定の消費税額" in paper, paper  # the section a real sale would print
    assert "記録番号" not in paper, paper  # no record for customs to look up
    assert "7,440" in paper, paper
    kiosk.wait_screen("attract", timeout=60)


def test_staff_register_a_basket_at_the_station_and_the_shopper_pays_here(
    kiosk: KioskProcess, tmp_path_factory: pytest.TempPathFactory
):
    from tests.journeys.conftest import HANDOFF_KEY

    workdir = tmp_path_factory.mktemp("station")
    offers = (files("kiosk") / "data" / "demo_offers.toml").read_text(encoding="utf-8")
    station_config = demo_config(  # the same store: its offers and its hand-off key
        workdir / "var",
        extra=offers
        + f'[plugins.handoff]\nrole = "station"\nhmac_key = "{HANDOFF_KEY}"\nreport = false\n',
    )
    station = KioskProcess(workdir, station_config, ready="station")
    try:
        # a member of staff signs in on the station's own pad and scans the shopper's items
        station.staff_sign_in(touch_fields=True)
        station.wait_text("精算機へ送る", timeout=20)
        station.scan(RICE_BALL)
        station.scan(RICE_BALL)
        station.scan(ORANGE_JUICE)
        station.wait_text(re.escape(yen(478)))  # 250 for two rice balls + 228
        station.tap("精算機へ送る")
        # no store server: the station shows (and prints) the signed basket as a QR code
        station.wait_text("空いている精算機でこのQRコードをかざしてください", timeout=30)
        [slip] = station.read_qr_codes()
    finally:
        station.close()
    # the shopper holds the slip to this kiosk's scanner
    start_in_japanese(kiosk)
    kiosk.scan(slip)
    shopping = kiosk.wait(lambda s: s.name == "shopping" and "3点" in s.texts(), 20)
    assert value_after(shopping, "合計") == yen(478)
    assert value_after(shopping, re.compile("^おにぎり2個で250円")) == "-" + yen(50)
    checkout(kiosk)
    pay_cash(kiosk, [1000], due=478)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合計") == yen(478)
    assert value_after(done, "おつり") == yen(522)
    back_to_attract(kiosk)
