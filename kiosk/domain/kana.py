"""Hiragana ↔ katakana, letter by letter: the one conversion the kana pads, the product
look-up and the 領収書 addressee words share.

The katakana letters ァ (U+30A1) … ヶ (U+30F6) stand 0x60 above their hiragana ぁ … ゖ;
everything else (ー, latin, kanji, punctuation) is left as it is.
"""

from __future__ import annotations

LONG_MARK = "ー"
_OFFSET = 0x60  # katakana letter − hiragana letter


def hiragana(text: str) -> str:
    """Katakana letters of ``text`` as hiragana (ー and everything else unchanged)."""
    return "".join(chr(ord(c) - _OFFSET) if "ァ" <= c <= "ヶ" else c for c in text)


def katakana(text: str) -> str:
    """Hiragana letters of ``text`` as katakana (everything else unchanged)."""
    return "".join(chr(ord(c) + _OFFSET) if "ぁ" <= c <= "ゖ" else c for c in text)


def is_kana(char: str) -> bool:
    """Whether ``char`` is a hiragana or katakana letter or the long mark ー."""
    return "ぁ" <= char <= "ゖ" or "ァ" <= char <= "ヶ" or char == LONG_MARK
