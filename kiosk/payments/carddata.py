"""Keeping card numbers (PAN) out of the kiosk: detection, masking rules, scrubbing.

The kiosk may hold a result, an opaque token and a masked number (first 6 / last 4 at most).
:func:`find_card_numbers` is used on every result a method hands back (before anything is
persisted or logged) and by the test that scans the database files and logs.
"""

from __future__ import annotations

import re

# 13–19 digits in a row, or groups of four separated by single spaces (as printed on cards).
# Digit runs inside hex words (journal hashes, digests) are not card numbers: a run touching
# a hex letter is skipped.
_RUN = re.compile(r"(?<![0-9A-Fa-f])(?:\d{13,19}|\d{4}(?: \d{4}){2,3}(?: \d{1,3})?)(?![0-9A-Fa-f])")
_MASKED = re.compile(r"^(?:\d{0,6})[*Xx•]+(?:\d{0,4})$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_card_numbers(text: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Digit runs of 13–19 digits passing the Luhn check (``allowed`` ones excepted)."""
    found = []
    for match in _RUN.finditer(text):
        digits = match.group().replace(" ", "")
        if 13 <= len(digits) <= 19 and digits not in allowed and luhn_ok(digits):
            found.append(digits)
    return found


def is_masked(value: str) -> bool:
    """Empty, or at most 6 leading and 4 trailing digits around a mask."""
    return not value or bool(_MASKED.match(value.replace(" ", "").replace("-", "")))


def scrub(text: str) -> str:
    """Replace anything that looks like a card number by its first-6/last-4 mask."""

    def mask(match: re.Match[str]) -> str:
        digits = match.group().replace(" ", "")
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
        return match.group()

    return _RUN.sub(mask, text)
