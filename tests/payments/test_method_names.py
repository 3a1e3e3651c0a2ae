"""GIVEN a payment method WHEN its tile or receipt names it THEN the name comes from the
plugin's own catalogue in ja, en, zh-Hans and ko (``name_key`` + ``domain``); a method that
still gives only the deprecated ja/en pair gets Chinese and Korean from the core catalogue
when it knows the English name, else English."""

from __future__ import annotations

import pytest

from kiosk.domain.languages import LANGUAGES
from kiosk.domain.method_names import LEGACY_BUILTIN_NAMES
from kiosk.payments.method import PaymentMethod, PaymentResult
from plugins.loyalty.tender import PointsMethod
from plugins.pay_card.method import CardMethod
from plugins.pay_cash.method import CashMethod
from plugins.pay_emoney.method import EMoneyMethod
from plugins.pay_qr.method import QrMethod


class _Method(PaymentMethod):
    id = "acme"

    def start(self, amount, idempotency_key):
        return PaymentResult(None)  # type: ignore[arg-type]

    status = cancel = start

    def refund(self, idempotency_key, amount, refund_key):
        return PaymentResult(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (CashMethod, ("現金", "Cash", "现金", "현금")),
        (CardMethod, ("クレジットカード", "Credit card", "信用卡", "신용카드")),
        (
            EMoneyMethod,
            ("電子マネー", "E-money (IC card)", "电子钱包（IC卡）", "전자화폐 (IC 카드)"),
        ),
        (QrMethod, ("QRコード決済", "QR code payment", "扫码支付", "QR 결제")),
        (PointsMethod, ("ポイント", "Points", "积分", "포인트")),
    ],
)
def test_a_built_in_method_is_named_from_its_plugins_catalogue(method, expected):
    names = {lang: method.name(method, lang) for lang in LANGUAGES}  # class attributes only
    # the words a receipt rebuilt from a document uses too (kiosk/domain/method_names.py)
    assert names == dict(zip(LANGUAGES, expected, strict=True))
    assert method.domain.startswith("plugins.") and method.name_key == names["en"]
    # the legacy table for documents stored without names says the same words
    assert LEGACY_BUILTIN_NAMES[method.id] == names


def test_a_vendors_key_is_translated_in_its_own_domain_only():
    class Points(_Method):
        name_key = "Points"
        domain = "plugins.loyalty"

    assert Points().names() == {"ja": "ポイント", "en": "Points", "zh-Hans": "积分", "ko": "포인트"}


def test_the_deprecated_pair_still_names_the_method():
    class Pair(_Method):
        name_ja, name_en = "アクメペイ", "Acme Pay"

    class KnownPair(_Method):
        name_ja, name_en = "現金", "Cash"  # the core catalogue knows "Cash"

    assert Pair().names() == {
        "ja": "アクメペイ",
        "en": "Acme Pay",
        "zh-Hans": "Acme Pay",
        "ko": "Acme Pay",
    }
    assert KnownPair().name("ko") == "현금"
    assert _Method().name("ja") == "acme"  # no name at all: its id
