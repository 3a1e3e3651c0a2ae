"""Japanese line breaking (禁則処理) for Kivy labels, which break CJK text anywhere.

Kivy wraps at spaces; Japanese and Chinese have none, so it cuts a line wherever the width
runs out, and a line can start with "。" or "ー" or a small kana: "…お預けします" over "。".
:func:`wrap` breaks such text itself, by measured width, and moves the break back (追い出し)
past characters that may not start a line and openings that may not end one, and never
between two Latin letters or digits ("24秒" stays whole). Pure Python: the width is asked of
a ``fits`` callable (in the shell, the Kivy label's own font measurement).
"""

from __future__ import annotations

from collections.abc import Callable

# a line may not start with these (closing marks, prolonged sound, small kana) …
NO_LINE_START = frozenset(
    "、。，．・：；？！ー）」』】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々,.:;?!)]}%"
)
# … nor end with these (opening marks)
NO_LINE_END = frozenset("（「『【〔〈《([{¥￥$")


def is_cjk(char: str) -> bool:
    """Han, kana, CJK punctuation or full-width forms (not Hangul: Korean wraps at spaces)."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def needs_wrap(text: str) -> bool:
    """Whether :func:`wrap` should lay ``text`` out (CJK in it, no line breaks of its own)."""
    return "\n" not in text and any(is_cjk(char) for char in text)


def may_break(text: str, at: int) -> bool:
    """Whether a line may end before ``text[at]``."""
    before, after = text[at - 1], text[at]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())


def _longest_fit(text: str, fits: Callable[[str], bool]) -> int:
    low, high = 1, len(text)  # text[:1] is taken even if it does not fit
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def wrap(text: str, fits: Callable[[str], bool]) -> str:
    """``text`` with line breaks where the rules allow, each line as long as ``fits`` lets it."""
    lines = []
    rest = text
    while rest and not fits(rest):
        end = _longest_fit(rest, fits)
        at = end
        while at > 1 and not may_break(rest, at):
            at -= 1
        if at <= 1:  # nowhere allowed (one long word): break where the width ends
            at = end
        lines.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    lines.append(rest)
    return "\n".join(lines)
