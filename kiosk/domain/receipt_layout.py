"""Fixed-width layout measured as a Japanese receipt printer measures it.

Receipt printers in Japan count columns in cp932 bytes: a kanji or full-width character
takes two columns, ASCII and half-width kana one. Characters cp932 cannot encode are
printed as raster images by the driver and take two columns here too (the driver draws
each in a two-column cell, :mod:`kiosk.devices.drivers.escpos_receipt`).

Nothing is cut: text longer than the paper is wrapped (a date on 58 mm paper, a long
product name), never truncated mid-word if a space allows otherwise.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# joiners and presentation selectors belong to the emoji before them: they print as nothing
_EMOJI_GLUE = {"\u200d", "\ufe0e", "\ufe0f"} | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def display_width(text: str) -> int:
    """Columns ``text`` takes on a cp932 printer."""
    width = 0
    for char in text:
        try:
            width += len(char.encode("cp932"))
        except UnicodeEncodeError:
            width += 2
    return width


def is_emoji(char: str) -> bool:
    """A pictograph no receipt font has (not cp932; ☆, ♪ and ① are cp932 and print)."""
    try:
        char.encode("cp932")
        return False
    except UnicodeEncodeError:
        pass
    code = ord(char)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF


def emoji_placeholder(char: str) -> str:
    """``🍙`` → ``[rice ball]``: the emoji's Unicode name, so the shopper reads what it was."""
    return "[" + unicodedata.name(char, "emoji").lower() + "]"


def printable(text: str, *, keep_emoji: bool | Callable[[str], bool] = False) -> str:
    """``text`` with each emoji replaced by its named placeholder unless the printer draws
    it (``keep_emoji``: True, or a test per character); never a box (tofu) on paper.

    Joiners and variation selectors are dropped: a ZWJ sequence prints as its parts."""
    out = []
    for char in text:
        if char in _EMOJI_GLUE:
            continue
        keep = keep_emoji(char) if callable(keep_emoji) else keep_emoji
        out.append(emoji_placeholder(char) if is_emoji(char) and not keep else char)
    return "".join(out)


def fit(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` columns without splitting a double-width character."""
    out, used = [], 0
    for char in text:
        w = display_width(char)
        if used + w > width:
            break
        out.append(char)
        used += w
    return "".join(out)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns.

    Breaks at the last space that fits when there is one in the second half of the line
    (English words stay whole); Japanese text, which has no spaces, breaks anywhere.
    """
    if width < 2:
        raise ValueError("width must be at least 2 columns")
    lines: list[str] = []
    rest = text
    while display_width(rest) > width:
        head = fit(rest, width)
        space = head.rfind(" ")
        if space > 0 and display_width(head[:space]) * 2 >= width:
            head = head[:space]
            rest = rest[space + 1 :]
        else:
            rest = rest[len(head) :]
        lines.append(head.rstrip())
    lines.append(rest)
    return lines


def two_columns(left: str, right: str, width: int) -> str:
    """``left`` and ``right`` on one line, right-aligned; ``left`` is cut if it must be."""
    room = width - display_width(right) - 1
    left = fit(left, max(room, 0))
    return left + " " * (width - display_width(left) - display_width(right)) + right


def pair(left: str, right: str, width: int) -> list[str]:
    """``left`` and right-aligned ``right``; when both do not fit on one line, ``left`` wraps
    and ``right`` ends its last line (or has a line of its own)."""
    if display_width(left) + 1 + display_width(right) <= width:
        return [two_columns(left, right, width)]
    lines = wrap(left, width)
    last = lines[-1]
    if display_width(last) + 1 + display_width(right) <= width:
        return [*lines[:-1], two_columns(last, right, width)]
    return lines + [" " * (width - display_width(part)) + part for part in wrap(right, width)]


def centred(text: str, width: int) -> list[str]:
    """``text`` centred, wrapped if it is wider than the paper."""
    return [" " * ((width - display_width(part)) // 2) + part for part in wrap(text, width)]
