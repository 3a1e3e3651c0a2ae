"""cp932 (Windows-31J / Shift JIS) text for Japanese printers and displays.

Receipt and display layouts are measured in cp932 bytes: half-width characters take one
column, full-width characters two.
"""

from __future__ import annotations

import unicodedata

#: Unicode characters with no cp932 code → the look-alike a Japanese printer has.
CP932_SUBSTITUTES = str.maketrans(
    {
        "¥": "￥",
        "−": "－",
        "〜": "～",  # U+301C wave dash
        "‖": "∥",
        "¢": "￠",
        "£": "￡",
        "¬": "￢",
        "—": "―",
    }
)


def to_cp932(text: str) -> bytes | None:
    """cp932 bytes for ``text`` (after the substitutions), or None if something is missing."""
    try:
        return text.translate(CP932_SUBSTITUTES).encode("cp932")
    except UnicodeEncodeError:
        return None


def column_width(char: str) -> int:
    """Columns a character takes in the layout: its cp932 byte count, else East Asian width."""
    encoded = to_cp932(char)
    if encoded is not None:
        return len(encoded)
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def fit_cp932(text: str, columns: int) -> bytes:
    """cp932 bytes of ``text`` cut/padded to exactly ``columns`` bytes (unknown chars → ?).

    A double-byte character is never split at the edge.
    """
    out = bytearray()
    for char in text.translate(CP932_SUBSTITUTES):
        encoded = char.encode("cp932", errors="replace")
        if len(out) + len(encoded) > columns:
            break
        out += encoded
    return bytes(out.ljust(columns, b" "))
