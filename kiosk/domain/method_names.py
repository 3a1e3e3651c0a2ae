"""The built-in payment methods' names on paper, in the four receipt languages.

A receipt printed at the kiosk takes its tender names from the payment method itself (the
runtime translates the method's name for Chinese and Korean receipts); a receipt or return
invoice rebuilt from a stored document has only the method id, and names it from here. A
method a plugin adds and this table does not know is printed by its id.
"""

from __future__ import annotations

METHOD_NAMES: dict[str, dict[str, str]] = {
    "cash": {"ja": "現金", "en": "Cash", "zh-Hans": "现金", "ko": "현금"},
    "card": {"ja": "クレジットカード", "en": "Credit card", "zh-Hans": "信用卡", "ko": "신용카드"},
    "emoney": {
        "ja": "電子マネー",
        "en": "E-money (IC card)",
        "zh-Hans": "电子钱包（IC卡）",
        "ko": "전자화폐 (IC 카드)",
    },
    "qr": {"ja": "QRコード決済", "en": "QR code payment", "zh-Hans": "扫码支付", "ko": "QR 결제"},
    "points": {"ja": "ポイント", "en": "Points", "zh-Hans": "积分", "ko": "포인트"},
}


def method_name(method_id: str, language: str) -> str:
    """``"현금"`` for ``("cash", "ko")``; English for a language the table lacks; the id for a
    method it does not know."""
    names = METHOD_NAMES.get(method_id)
    if names is None:
        return method_id
    return names.get(language) or names["en"]
