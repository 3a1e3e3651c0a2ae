"""Japanese line breaking (禁則処理) for Kivy labels, which break CJK text anywhere.

Kivy wraps at spaces; Japanese and Chinese have none, so it cuts a line wherever the width
runs out: a line can start with "。" or "ー" or a small kana ("…お預けします" over "。"), and a
word can be split ("QRコー" over "ド"). :func:`wrap` breaks such text itself, by measured
width: first at phrase boundaries (文節, found by BudouX's small trained model — "お預けします。"
and "QRコードを" stay whole), and where one phrase is longer than the line, anywhere the
禁則 rules allow — the break moves back (追い出し) past characters that may not start a line
and openings that may not end one, and never between two Latin letters or digits ("24秒"
stays whole). Nor is one character left alone on the last line ("やめ" over "る"). Pure
Python: the width is asked of a ``fits`` callable (in the shell, the Kivy label's own font
measurement); the phrase analysis is cached per text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise

import budoux

# a line may not start with these (closing marks, prolonged sound, small kana) …
NO_LINE_START = frozenset(
    "、。，．・：；？！ー）」』】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々,.:;?!)]}%"
)
# … nor end with these (opening marks)
NO_LINE_END = frozenset("（「『【〔〈《([{¥￥$")
# inside a phrase too long for the line, a break after these reads naturally ("会員カード・")
SOFT_BREAK_AFTER = frozenset("・、，／/")


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


@lru_cache(maxsize=2)
def _parser(name: str) -> budoux.Parser:
    if name == "ja":
        return budoux.load_default_japanese_parser()
    return budoux.load_default_simplified_chinese_parser()


def _has_kana(text: str) -> bool:
    return any(0x3040 <= ord(char) <= 0x30FF for char in text)


@lru_cache(maxsize=4096)
def phrase_starts(text: str) -> frozenset[int]:
    """Offsets (> 0) where a phrase begins: BudouX's boundaries (its Japanese model for text
    with kana, else its Simplified Chinese one) and the character after a space."""
    starts: set[int] = set()
    offset = 0
    parser = _parser("ja" if _has_kana(text) else "zh-Hans")
    for chunk in parser.parse(text):
        offset += len(chunk)
        starts.add(offset)
    starts.update(at + 1 for at, char in enumerate(text) if char == " ")
    return frozenset(at for at in starts if 0 < at < len(text))


def _longest_fit(text: str, fits: Callable[[str], bool]) -> int:
    low, high = 1, len(text)  # text[:1] is taken even if it does not fit
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def _break_at(text: str, start: int, end: int, phrases: frozenset[int]) -> int:
    """Where a line from ``start`` that may run to ``end`` (exclusive) ends: the last phrase
    boundary the 禁則 rules allow, else the last place they allow, else ``end``."""
    for at in range(end, start, -1):
        if at in phrases and may_break(text, at):
            return at
    for at in range(end, start + 1, -1):  # inside a phrase: after "・" or "、" reads best
        if text[at - 1] in SOFT_BREAK_AFTER and may_break(text, at):
            return at
    for at in range(end, start + 1, -1):
        if may_break(text, at):
            return at
    return end  # nowhere allowed (one long word): break where the width ends


def _line(text: str, start: int, end: int) -> str:
    return text[start:end].strip()


def wrap(text: str, fits: Callable[[str], bool]) -> str:
    """``text`` with line breaks at phrase boundaries where the rules allow, each line as
    long as ``fits`` lets it, and no last line of one character if a break can avoid it."""
    phrases = phrase_starts(text)
    starts = [0]
    while not fits(text[starts[-1] :].strip()):
        start = starts[-1]
        end = start + _longest_fit(text[start:], fits)
        at = _break_at(text, start, end, phrases)
        while at < len(text) and text[at] == " ":
            at += 1
        if at >= len(text):
            break
        starts.append(at)
    if len(starts) > 1 and len(_line(text, starts[-1], len(text))) == 1:
        starts[-1] = _without_orphan(text, starts[-2], starts[-1], fits, phrases)
    bounds = [*starts, len(text)]
    return "\n".join(_line(text, a, b) for a, b in pairwise(bounds))


def _without_orphan(
    text: str, start: int, at: int, fits: Callable[[str], bool], phrases: frozenset[int]
) -> int:
    """An earlier break than ``at`` for the line from ``start`` whose tail then fits one line:
    a phrase boundary first, else any place the rules allow; ``at`` if there is none."""
    for only_phrases in (True, False):
        for earlier in range(at - 1, start + 1, -1):
            if only_phrases and earlier not in phrases:
                continue
            if may_break(text, earlier) and fits(text[earlier:].strip()):
                return earlier
    return at
