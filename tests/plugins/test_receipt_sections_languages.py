"""GIVEN a sale with a promotion, a coupon and a member WHEN its receipt is printed in
Chinese or Korean THEN the loyalty, coupon and promotion sections are in that language, from
each plugin's own catalogue, with the figures unchanged; the Japanese and English wording is
what it was."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from kiosk.domain.basket import Adjustment, AdjustmentKind
from kiosk.messages import store_text
from plugins.coupons import Plugin as Coupons
from plugins.loyalty import Plugin as Loyalty
from plugins.promotions import Plugin as Promotions

TEA_DEAL = Adjustment(
    "p1", AdjustmentKind.PROMOTION, -30, store_text(ja="お茶30円引", en="Tea 30 off")
)
COUPON = Adjustment(
    "c1", AdjustmentKind.COUPON, -100, store_text(ja="100円引", en="100 off"), source="coupons"
)


def _sale(language: str, **extra) -> SimpleNamespace:
    return SimpleNamespace(
        language=language,
        adjustments=(TEA_DEAL, COUPON),
        member_id="M000012345678",
        training=False,
        sale_id="s1",
        **extra,
    )


def _loyalty() -> SimpleNamespace:
    balance = SimpleNamespace(points=120, next_expiry=lambda: (date(2027, 3, 31), 20))
    service = SimpleNamespace(
        balance=lambda _member: balance,
        sale_record=lambda _sale: {"earned": 5, "redeemed_tender": 10, "redeemed_discount": 0},
    )
    return SimpleNamespace(service=service)


def _sections(language: str):
    sale = _sale(language)
    (promotions,) = Promotions.kiosk_receipt_sections(SimpleNamespace(), sale)
    (coupons,) = Coupons.kiosk_receipt_sections(SimpleNamespace(book=object()), sale)
    (loyalty,) = Loyalty.kiosk_receipt_sections(_loyalty(), sale)
    return promotions, coupons, loyalty


@pytest.mark.parametrize(
    ("language", "titles", "lines"),
    [
        ("ja", ("お買い得", "ご利用クーポン", "ポイント"), ("お値引き合計", "ポイント残高 120pt")),
        ("en", ("Savings", "Coupons used", "Points"), ("You saved", "Points balance 120pt")),
        ("zh-Hans", ("优惠", "已使用的优惠券", "积分"), ("共节省", "积分余额 120pt")),
        ("ko", ("할인 혜택", "사용한 쿠폰", "포인트"), ("총 할인", "포인트 잔액 120pt")),
    ],
)
def test_sections_are_in_the_receipts_language(language, titles, lines):
    promotions, coupons, loyalty = _sections(language)
    assert (promotions.title, coupons.title, loyalty.title) == titles
    assert promotions.lines[-1].startswith(lines[0]) and "30" in promotions.lines[-1]
    assert lines[1] in loyalty.lines
    assert "****5678" in loyalty.lines[0] and any("2027/03/31" in x for x in loyalty.lines)
    if language in ("zh-Hans", "ko"):
        text = " ".join((*promotions.lines, *loyalty.lines, promotions.title, loyalty.title))
        assert not any(w in text for w in ("Points", "saved", "Member", "expire"))
