"""Chinese and Korean shoppers one after another on one kiosk, members among them.

Driven through X as a person would (see test_shoppers_in_a_row). What each shopper reads
is their own: the age check and the change in their language, a cancelled payment then
another method, and no trace of the member before them. (A member who scans their card at
the attract screen and walks away: tests/ui/test_member_left_signed_in.py, on a test clock.)
"""

from __future__ import annotations

import re

import pytest

from tests.journeys.kiosk_process import KioskProcess, Screen
from tests.journeys.test_shoppers_in_a_row import (
    BEER,
    GREEN_TEA,
    RICE_5KG,
    RICE_BALL,
    back_to_attract,
    english_on,
    pay_cash,
    value_after,
    yen,
)

pytestmark = [pytest.mark.ui, pytest.mark.journey]

MEMBER_SHOWN = re.compile(r"会員|Member:|会员|회원:|\bpt\b|포인트|积分")


def no_member_on(screen: Screen) -> list[str]:
    """Texts that show a member signed in (not the "member card / coupon" button)."""
    return [t for t in screen.texts() if MEMBER_SHOWN.search(t) and "/" not in t and "・" not in t]


def test_a_chinese_shopper_gets_an_age_check_and_change_in_chinese(kiosk: KioskProcess):
    kiosk.tap("简体中文")
    kiosk.wait(lambda s: s.language == "zh-Hans", what="Chinese")
    kiosk.scan(RICE_BALL)
    kiosk.wait_screen("shopping")
    kiosk.scan(BEER)
    overlay = kiosk.wait_text("此商品需要年龄确认")
    assert english_on(overlay) == [], overlay.joined()
    kiosk.staff_sign_in("确定")
    shopping = kiosk.wait(lambda s: "此商品需要年龄确认" not in s.joined(), what="approved")
    assert value_after(shopping, "合计") == yen(378)
    kiosk.tap(re.compile("^结账"))
    kiosk.wait_screen("methods")
    pay_cash(kiosk, [1000], due=378)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, "合计") == yen(378)
    assert value_after(done, re.compile("^已付")) == yen(1000)
    assert value_after(done, "找零") == yen(622)
    assert english_on(done) == [], done.joined()
    back_to_attract(kiosk)


def test_a_korean_member_cancels_e_money_then_pays_cash(kiosk: KioskProcess):
    attract = kiosk.wait_screen("attract", timeout=30)
    assert attract.language == "ja"  # the last shopper's Chinese is gone
    kiosk.tap("한국어")
    kiosk.wait(lambda s: s.language == "ko", what="Korean")
    kiosk.scan(RICE_5KG)
    kiosk.wait_screen("shopping")
    kiosk.tap(re.compile("^회원카드"))
    kiosk.wait_screen("code")
    kiosk.tap(re.compile("회원 가입$"))
    kiosk.wait_screen("enrol")
    kiosk.tap("동의합니다")
    kiosk.wait_text("전화번호")
    for digit in "09087654321":
        kiosk.tap(digit)
    kiosk.tap("가입하기")
    kiosk.wait_text("회원 가입이 완료", timeout=30)
    assert len(kiosk.read_qr_codes()) == 1  # the member card for their phone
    kiosk.tap("장바구니로 돌아가기")
    kiosk.wait_screen("shopping")
    kiosk.tap(re.compile("^결제"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("^전자화폐"))
    waiting = kiosk.wait(
        lambda s: s.name == "paying" and "카드를 기다리고" in s.joined(), 30, "e-money", idle=False
    )
    cancel = next(w for w in waiting.find("결제 취소") if not w.disabled)
    kiosk.click_at(*cancel.centre)
    back = kiosk.wait_text("결제를 취소했습니다", timeout=30)
    assert value_after(back, "합계") == yen(2480)
    kiosk.tap(re.compile("^결제"))
    kiosk.wait_screen("methods")
    kiosk.tap(re.compile("^현금$"))
    kiosk.wait(lambda s: s.name == "paying" and yen(2480) in s.joined(), 30, "cash", idle=False)
    for note in (1000, 1000, 1000):
        kiosk.panel("changer", "insert", yen=note)
    done = kiosk.wait_screen("receipt", timeout=30)
    assert value_after(done, re.compile("^받은 금액")) == yen(3000)
    assert value_after(done, "거스름돈") == yen(520)
    assert english_on(done) == [], done.joined()
    back_to_attract(kiosk)


def test_the_next_shopper_sees_nothing_of_the_member_before(kiosk: KioskProcess):
    kiosk.wait_screen("attract", timeout=30)
    kiosk.scan(GREEN_TEA)
    shopping = kiosk.wait_text("1点")
    assert no_member_on(shopping) == [], shopping.joined()
    kiosk.tap("お買い物をやめる")
    kiosk.wait_text("お買い物をやめますか")
    kiosk.tap("やめる")
    kiosk.wait_screen("attract", timeout=30)
