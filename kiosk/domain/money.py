"""Money is an ``int`` number of yen; this module only formats it for people."""

from __future__ import annotations

from babel.numbers import format_currency

Yen = int

# Babel writes the half-width ¥ for ja; Japanese receipts and screens use the full-width ￥,
# which is also what cp932 printers print reliably (0x5C is a backslash on many of them).
_HALF_WIDTH_YEN = "¥"
_FULL_WIDTH_YEN = "￥"

_BABEL_LOCALES = {"ja": "ja_JP", "en": "en_US", "zh-Hans": "zh_Hans_CN", "ko": "ko_KR"}


def format_yen(amount: Yen, language: str = "ja") -> str:
    """``1280`` → ``"￥1,280"`` in the shopper's language; negative amounts keep their sign."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"money must be int yen, got {type(amount).__name__}")
    locale = _BABEL_LOCALES.get(language, "ja_JP")
    text = format_currency(amount, "JPY", locale=locale)
    text = text.replace("JP¥", _FULL_WIDTH_YEN).replace(_HALF_WIDTH_YEN, _FULL_WIDTH_YEN)
    return text.replace("\xa0", "")
