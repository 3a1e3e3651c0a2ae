"""GIVEN the kiosk app in a real window WHEN shopper after shopper pays — cash put in a
note at a time, a QR wallet code scanned while paying, a merchant-presented QR code, an
e-money reader nobody touches — with languages switched mid-sale THEN the paying and receipt
screens show each sale's own figures in the language shown, Cancel is offered exactly while
it is safe, and "try again" visibly starts over.

Everything the shopper does is a touch on a widget's place on the screen or a scanner burst;
only the devices (cash put in, a card on the reader, the app paying a code) are simulated.
"""

from __future__ import annotations

import pytest
from kivy.uix.label import Label

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"  # おにぎり 鮭 ¥150
TEA = "4901234000148"  # 緑茶 500ml ¥138
RICE = "4901234000193"  # 米 5kg ¥2,480
WALLET_CODE = "281234567890123452"  # a shopper's wallet app code (18 digits)


def texts(widget) -> list[str]:
    """The texts the shopper can read under ``widget``, top to bottom."""
    found = [w for w in widget.walk(restrict=True) if isinstance(w, Label) and w.text]
    return [w.text for w in sorted(found, key=lambda w: -w.to_window(*w.pos)[1])]


def tap_language(kiosk, name: str) -> None:
    kiosk.tap_text(kiosk.screen(), name)  # the language bar of the screen shown
    kiosk.pump(3)


def shop(kiosk, *codes: str) -> None:
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    for n, code in enumerate(codes, 1):
        kiosk.type_burst(code)
        kiosk.wait(lambda n=n: len(kiosk.ctl.rows) == n, what=f"line {n}")
    kiosk.settle()


def choose(kiosk, tile: str):
    kiosk.tap(kiosk.widget("pay", "shopping"))
    methods = kiosk.wait_screen("methods")
    kiosk.tap_text(methods.ids.tiles, tile)
    return kiosk.wait_shown("paying")


def receipt_figures(kiosk) -> tuple[str, str, str]:
    screen = kiosk.wait_screen("receipt")
    return screen.ids.total.text, screen.ids.paid.text, screen.ids.change.text


def next_shopper(kiosk) -> None:
    kiosk.tap(kiosk.widget("none", "receipt"))
    kiosk.wait_screen("thanks")
    kiosk.tap(kiosk.widget("next", "thanks"))
    kiosk.wait_screen("attract")


def test_shopper_after_shopper_sees_their_own_figures(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    cash = runtime.method("cash")
    qr = runtime.method("qr")
    emoney = runtime.method("emoney")

    # --- 1. cash, a note at a time; English chosen mid-sale, Korean while paying ---------
    shop(kiosk, RICE, ONIGIRI)  # ¥2,630
    tap_language(kiosk, "English")
    cash.drawer.insert(1000)
    paying = choose(kiosk, "Cash")
    kiosk.wait(lambda: paying.ids.inserted.text == "￥1,000", what="¥1,000 shown")
    assert paying.ids.still_due.text == "￥1,630"
    assert paying.ids.status.text == ""  # the figures say it all (no stray catalogue header)
    assert not paying.ids.back.disabled  # cancel is safe: the cash would come back
    cash.drawer.insert_now(1000)
    kiosk.wait(lambda: paying.ids.inserted.text == "￥2,000", what="¥2,000 shown")
    tap_language(kiosk, "한국어")
    assert "￥630" in texts(paying) and "남은 금액" in texts(paying)
    cash.drawer.insert_now(1000)
    assert receipt_figures(kiosk) == ("￥2,630", "￥3,000", "￥370")
    summary = texts(kiosk.screen("receipt").ids.summary)
    assert summary == ["합계", "￥2,630", "받은 금액 (현금)", "￥3,000", "거스름돈", "￥370"]
    tap_language(kiosk, "English")
    assert texts(kiosk.screen("receipt").ids.summary) == [
        "Total", "￥2,630", "Paid (Cash)", "￥3,000", "Change", "￥370"
    ]  # fmt: skip
    next_shopper(kiosk)

    # --- 2. QR, the shopper's app code scanned while the payment waits (Japanese again) --
    shop(kiosk, ONIGIRI, TEA)  # ¥288
    paying = choose(kiosk, "QRコード決済")
    kiosk.wait(lambda: ctl.payment.waiting, what="QR waiting for the code")
    kiosk.pump(2)
    assert paying.ids.status.text == "アプリのコードの読み取りをお待ちしています…"
    assert not paying.ids.back.disabled and paying.ids.back.text == "お支払いをやめる"
    # no cash rows left over from the last shopper: they take no room, the due sits inside
    assert paying.ids.inserted.parent.height == 0 and paying.ids.inserted.text == ""
    assert paying.ids.due.parent.parent.collide_point(*paying.ids.due.center)
    kiosk.type_burst(WALLET_CODE)  # the wedge scanner reads the phone
    assert receipt_figures(kiosk) == ("￥288", "￥288", "")
    assert len(ctl.rows) == 2  # the code went to the payment, not into the basket
    summary = texts(kiosk.screen("receipt").ids.summary)
    assert summary == ["合計", "￥288", "お預かり（QRコード決済）", "￥288"]  # no change line
    assert kiosk.screen("receipt").ids.change.parent.height == 0
    next_shopper(kiosk)

    # --- 3. e-money: nobody touches the reader, then "try again" with a card (中文) -----
    emoney.touch_wait_s = 0.6
    shop(kiosk, TEA)  # ¥138
    tap_language(kiosk, "简体中文")
    paying = choose(kiosk, "电子钱包（IC卡）")
    kiosk.wait(lambda: paying.ids.status.text == "正在等待您刷卡…", what="waiting for a card")
    assert not paying.ids.back.disabled and paying.ids.retry.disabled
    kiosk.wait(lambda: ctl.pay_error, what="no card touched")
    kiosk.pump(2)
    assert paying.ids.instruction.text.startswith("未检测到刷卡")  # the reason, not the steps
    assert paying.ids.status.text == ""  # no leftover "waiting" beside it
    assert not paying.ids.retry.disabled
    emoney.touch_wait_s = 10.0
    kiosk.tap(paying.ids.retry)
    # visibly started over: "please wait" until the runtime's worker has the reader waiting
    # (two frames were not always enough on a loaded machine)
    kiosk.wait(
        lambda: ctl.pay_busy and paying.ids.status.text == "正在等待您刷卡…",
        what="waiting for a card again",
    )
    assert "IC" in paying.ids.instruction.text and not ctl.pay_error
    emoney.reader.present(balance=5000)
    assert receipt_figures(kiosk) == ("￥138", "￥138", "")
    assert texts(kiosk.screen("receipt").ids.summary)[2] == "已付（电子钱包（IC卡））"
    next_shopper(kiosk)

    # --- 4. QR, merchant-presented: the kiosk shows the code, the app pays it -----------
    qr.mode, qr.poll_interval_s = "merchant", 0.05
    provider = runtime.host.pm.get_plugin("plugins.pay_qr").provider
    shop(kiosk, RICE)  # ¥2,480
    paying = choose(kiosk, "QRコード決済")
    kiosk.wait(lambda: ctl.payment.code, what="the code to show")
    kiosk.pump(2)
    image = paying.code_image
    assert image in paying.ids.row.children and image.width > 200 and image.texture.width > 100
    assert paying.ids.instruction.text == "アプリで右のコードを読み取ってください。"
    assert paying.ids.status.text == "アプリでのお支払いをお待ちしています…"
    assert not paying.ids.back.disabled
    provider.shopper_pays(ctl.payment.code.rsplit("/", 1)[1])
    assert receipt_figures(kiosk) == ("￥2,480", "￥2,480", "")
    assert paying.code_image.parent is None  # gone with the payment
    next_shopper(kiosk)

    assert sorted(s.total for s in runtime.store.list_sales()) == [138, 288, 2480, 2630]
    assert runtime.store.verify_journal().ok


def test_cancel_gives_cash_back_and_stops_a_card_wait(kiosk) -> None:
    """Cancel while the method waits: the inserted cash comes back through the changer and
    the shopper is back at their basket; the same for an e-money reader nobody touched."""
    ctl, runtime = kiosk.ctl, kiosk.runtime
    cash = runtime.method("cash")
    shop(kiosk, RICE)
    cash.drawer.insert(1000)
    paying = choose(kiosk, "現金")
    kiosk.wait(lambda: paying.ids.inserted.text == "￥1,000", what="¥1,000 shown")
    assert paying.ids.still_due.text == "￥1,480"
    kiosk.tap(paying.ids.back)
    kiosk.wait_screen("shopping")
    assert ctl.message == "お支払いをやめました。￥1,000を返却口からお取りください。"
    assert cash.drawer.net == 0 and runtime.store.sale_count() == 0
    assert len(ctl.rows) == 1  # the basket is as it was, and open for more items
    assert runtime.checkout.state.value == "shopping"
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(ctl.rows) == 2, what="a scan after the cancel")
    kiosk.settle()
    assert ctl.message != kiosk.ctl.t("Sorry, that did not work. Please try again or call staff.")

    runtime.method("emoney").touch_wait_s = 30.0
    paying = choose(kiosk, "電子マネー")
    kiosk.wait(lambda: ctl.payment.waiting, what="waiting for a card")
    kiosk.pump(2)
    kiosk.tap(paying.ids.back)
    kiosk.wait_screen("shopping")  # well before the reader's 30 s
    assert ctl.message == "お支払いをやめました。代金はいただいておりません。"
    assert runtime.store.sale_count() == 0 and ctl.state == "shopping"
    assert runtime.checkout.state.value == "shopping"


def test_another_method_then_back_to_the_basket_reopens_it(kiosk) -> None:
    """After a failed payment, "choose another method" then "back to basket": the basket
    takes scans again (the checkout is no longer left paying)."""
    ctl, runtime = kiosk.ctl, kiosk.runtime
    runtime.method("emoney").touch_wait_s = 0.2
    shop(kiosk, TEA)
    paying = choose(kiosk, "電子マネー")
    kiosk.wait(lambda: ctl.pay_error, what="no card touched")
    kiosk.settle()
    kiosk.tap(paying.ids.other)
    methods = kiosk.wait_screen("methods")
    kiosk.tap(methods.ids.back)
    kiosk.wait_screen("shopping")
    assert runtime.checkout.state.value == "shopping"
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(ctl.rows) == 2, what="a scan after leaving the payment")


def test_a_merchant_code_not_paid_in_time_is_taken_off_the_screen(kiosk) -> None:
    ctl, qr = kiosk.ctl, kiosk.runtime.method("qr")
    qr.mode, qr.poll_interval_s, qr.mpm_wait_s = "merchant", 0.05, 0.5
    shop(kiosk, TEA)
    paying = choose(kiosk, "QRコード決済")
    kiosk.wait(lambda: paying.code_image in paying.ids.row.children, what="the code shown")
    kiosk.wait(lambda: ctl.pay_error, what="the code expired")
    kiosk.pump(2)
    assert paying.ids.instruction.text.startswith("時間内にお支払いがなかったため")
    assert paying.code_image not in paying.ids.row.children
    assert not paying.ids.retry.disabled and not paying.ids.back.disabled
