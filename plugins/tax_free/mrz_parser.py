"""ICAO Doc 9303 TD3 (passport) machine-readable zone: fields and check digits.

Our own code, replacing the GPL-3.0 ``mrz`` package (the runtime is Apache-2.0 and vendors
ship closed plugins into it). Self-contained: no kiosk imports, so it moves with the
tax-free plugin wherever that lives.

TD3 is two lines of 44 characters from ``A-Z``, ``0-9`` and the filler ``<``
(ICAO 9303 Part 4, section 4.2.2)::

    line 1: P<  issuing state (3)  name (39: SURNAME<<GIVEN<NAMES)
    line 2: document number (9) + check, nationality (3), birth YYMMDD + check, sex,
            expiry YYMMDD + check, personal number (14) + check, composite check

A check digit (Part 3, section 4.9) weights the characters 7, 3, 1, 7, 3, 1… — digits are
their value, ``A``–``Z`` are 10–35, ``<`` is 0 — and is the sum modulo 10. The composite
check covers line 2's characters 1–10, 14–20 and 22–43. When the personal number is all
filler its check digit may be ``<`` (worth 0).

:func:`parse_td3` checks and splits; :func:`generate_td3` builds lines with correct check
digits (tests and simulators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE_LENGTH = 44
_LINE = re.compile(r"^[A-Z0-9<]{44}$")
_WEIGHTS = (7, 3, 1)

# line 2: (name, start, end) of each checked field, and the index of its check digit
_CHECKED = (
    ("document number", 0, 9, 9),
    ("date of birth", 13, 19, 19),
    ("expiry date", 21, 27, 27),
    ("personal number", 28, 42, 42),
)
_COMPOSITE_SPANS = ((0, 10), (13, 20), (21, 43))

# field formats (line, start, end, pattern)
_FORMATS = (
    ("document type", 1, 0, 2, r"P[A-Z<]"),
    ("issuing state", 1, 2, 5, r"[A-Z<]{3}"),
    ("name", 1, 5, 44, r"[A-Z<]+"),
    ("nationality", 2, 10, 13, r"[A-Z<]{3}"),
    ("date of birth", 2, 13, 19, r"[0-9<]{6}"),
    ("sex", 2, 20, 21, r"[MFX<]"),
    ("expiry date", 2, 21, 27, r"[0-9]{6}"),
)


class MrzError(ValueError):
    """The MRZ cannot be used; ``fields`` names what is wrong."""

    def __init__(self, message: str, fields: tuple[str, ...]) -> None:
        super().__init__(message)
        self.fields = fields


class MrzCheckDigitError(MrzError):
    """One or more check digits do not match (a misread character, or a forgery)."""


class MrzFormatError(MrzError):
    """Not two TD3 lines, or a field in a wrong format."""


@dataclass(frozen=True, slots=True)
class Td3:
    """The fields of a TD3 MRZ, fillers removed; dates stay ``YYMMDD`` text (the century
    is the caller's decision: it needs today's date)."""

    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    personal_number: str


def char_value(char: str) -> int:
    """A character's value in a check-digit sum: ``0``–``9``, ``A``=10 … ``Z``=35, ``<``=0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"{char!r} is not an MRZ character")


def check_digit(data: str) -> str:
    """The ICAO 9303 check digit (weights 7-3-1, modulo 10) of ``data``, as a character."""
    total = sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data))
    return str(total % 10)


def _digit_matches(data: str, digit: str) -> bool:
    if digit == "<":  # allowed only for an all-filler field (an empty personal number)
        return not data.strip("<")
    return check_digit(data) == digit


def bad_check_digits(line2: str) -> tuple[str, ...]:
    """The names of line 2's check digits that do not match (``"composite"`` last)."""
    bad = [
        name for name, start, end, at in _CHECKED if not _digit_matches(line2[start:end], line2[at])
    ]
    composite = "".join(line2[start:end] for start, end in _COMPOSITE_SPANS)
    if check_digit(composite) != line2[43]:
        bad.append("composite")
    return tuple(bad)


def parse_td3(line1: str, line2: str) -> Td3:
    """Check and split a TD3 MRZ.

    :raises MrzFormatError: a line is not 44 MRZ characters, or a field is malformed.
    :raises MrzCheckDigitError: a check digit does not match (names every one that fails).
    """
    lines = {1: line1, 2: line2}
    for number, line in lines.items():
        if not _LINE.match(line):
            raise MrzFormatError(
                f"line {number} is not {LINE_LENGTH} characters of A-Z, 0-9 and <",
                (f"line {number}",),
            )
    bad = bad_check_digits(line2)
    if bad:
        raise MrzCheckDigitError(f"check digits do not match: {', '.join(bad)}", bad)
    wrong = tuple(
        name
        for name, number, start, end, pattern in _FORMATS
        if not re.fullmatch(pattern, lines[number][start:end])
    )
    if wrong:
        raise MrzFormatError(f"fields in a wrong format: {', '.join(wrong)}", wrong)
    surname, _, given = line1[5:].partition("<<")
    return Td3(
        document_type=line1[0:2].rstrip("<"),
        issuing_state=line1[2:5].rstrip("<"),
        surname=_words(surname),
        given_names=_words(given),
        document_number=line2[0:9].rstrip("<"),
        nationality=line2[10:13].rstrip("<"),
        birth_date=line2[13:19],
        sex=line2[20],
        expiry_date=line2[21:27],
        personal_number=line2[28:42].rstrip("<"),
    )


def _words(field: str) -> str:
    """``ANNA<MARIA<<<<`` → ``ANNA MARIA``."""
    return " ".join(part for part in field.split("<") if part)


def generate_td3(
    *,
    document_type: str = "P",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str,
    sex: str,
    expiry_date: str,
    personal_number: str = "",
) -> tuple[str, str]:
    """Two TD3 lines with correct check digits (names in MRZ letters, dates ``YYMMDD``)."""
    name = f"{_field(surname)}<<{_field(given_names)}"
    line1 = (f"{document_type:<<2}{issuing_state:<<3}" + name)[:LINE_LENGTH].ljust(LINE_LENGTH, "<")
    number = f"{document_number:<<9}"
    personal = f"{personal_number:<<14}"
    personal_check = check_digit(personal) if personal_number else "<"
    line2 = (
        f"{number}{check_digit(number)}{nationality:<<3}"
        f"{birth_date}{check_digit(birth_date)}{sex}"
        f"{expiry_date}{check_digit(expiry_date)}{personal}{personal_check}"
    )
    composite = "".join(line2[start:end] for start, end in _COMPOSITE_SPANS)
    return line1, line2 + check_digit(composite)


def _field(words: str) -> str:
    return "<".join(words.upper().split())
