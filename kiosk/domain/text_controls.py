"""Characters that change how other text reads, refused in names people type or import.

A product, department or staff name is shown on the kiosk, printed on receipts and listed in
the back office and its audit log. A control character (``\\x07``, a line break) or a
bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069) in one makes that text, or
the text after it, show differently from what it is: ``‮lia‬`` reads as "ail…" reversed, a
staff name can pass itself off as another in the audit log. Right-to-left *marks*
(U+200E/U+200F) only order neutral characters and are kept, as are joiners (ZWJ in emoji).
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def hidden_controls(text: str) -> str:
    """A one-line problem naming the first control or bidi override in ``text``, or ''."""
    for char in text:
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            name = unicodedata.name(char, "control character")
            return f"contains U+{ord(char):04X} ({name.lower()}), which changes how text reads"
    return ""


def too_long(text: str, longest: int) -> str:
    """A one-line problem for ``text`` longer than its column holds, or ''."""
    if len(text) > longest:
        return f"is {len(text)} characters long; at most {longest}"
    return ""


def text_problem(text: str, longest: int) -> str:
    """The first problem of a name people type: a hidden control, or too long; or ''."""
    return hidden_controls(text) or too_long(text, longest)
