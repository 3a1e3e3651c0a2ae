"""Passport MRZ (ICAO 9303 TD3: two lines of 44 characters) from a passport reader.

Serial and HID (keyboard-wedge) readers send the MRZ as text lines, often with CR or CR LF
between them and sometimes with a prefix or blank lines. :class:`MrzLineAssembler` turns that
stream into two TD3 lines; :func:`read_td3` checks them with our ICAO 9303 parser
(:mod:`~plugins.tax_free.mrz_parser`: check digits, field formats) and returns a :class:`~plugins.tax_free.buyer.Buyer`. Expiry is checked
against the sale date by :func:`~plugins.tax_free.buyer.check_eligibility`, not against the
wall clock, so the kiosk's clock decides.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import date

from plugins.tax_free.buyer import Buyer, DocumentKind
from plugins.tax_free.errors import CheckDigitMismatch, DocumentUnreadable
from plugins.tax_free.mrz_parser import MrzCheckDigitError, MrzFormatError, parse_td3

TD3_LINE = re.compile(r"^[A-Z0-9<]{44}$")


def td3_lines(text: str) -> tuple[str, str] | None:
    """The two TD3 lines in ``text`` (a scan or a reader's output), or None."""
    lines = [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
    for first, second in itertools.pairwise(lines):
        if first.startswith("P") and TD3_LINE.match(first) and TD3_LINE.match(second):
            return first, second
    return None


def read_td3(lines: Iterable[str] | str, today: date) -> Buyer:
    """Parse and verify a TD3 MRZ; ``today`` resolves the two-digit years.

    :raises DocumentUnreadable: not two 44-character TD3 lines, or fields in a wrong format.
    :raises CheckDigitMismatch: one or more check digits do not match.
    """
    text = lines if isinstance(lines, str) else "\n".join(lines)
    found = td3_lines(text.upper())
    if found is None:
        raise DocumentUnreadable(
            "no passport MRZ (two lines of 44 characters, the first starting with P) was read: "
            "place the passport photo page flat on the reader"
        )
    try:
        f = parse_td3(*found)
    except MrzCheckDigitError as exc:
        raise CheckDigitMismatch(list(exc.fields)) from None
    except MrzFormatError as exc:
        wrong = ", ".join(exc.fields)
        raise DocumentUnreadable(
            f"MRZ fields in a wrong format ({wrong}): scan the passport again"
        ) from None
    return Buyer(
        passport_number=f.document_number,
        nationality=f.nationality,
        surname=f.surname,
        given_names=f.given_names,
        birth_date=_birth_date(f.birth_date, today),
        expiry_date=_expiry_date(f.expiry_date, today),
        issuing_country=f.issuing_state,
        sex=f.sex,
        document_type=f.document_type,
        identified_by=DocumentKind.PASSPORT_MRZ,
    )


def _yymmdd(text: str, century: int) -> date:
    try:
        return date(century + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise DocumentUnreadable(f"MRZ date {text!r} is not a date: scan again") from None


def _birth_date(text: str, today: date) -> date:
    """Birth dates are in the past: 74 → 1974, 05 → 2005 (when today is 2026)."""
    candidate = _yymmdd(text, 2000)
    return candidate if candidate <= today else _yymmdd(text, 1900)


def _expiry_date(text: str, today: date) -> date:
    """Passports last at most ten years: a year more than 50 years ahead is last century."""
    candidate = _yymmdd(text, 2000)
    return candidate if candidate.year - today.year <= 50 else _yymmdd(text, 1900)


class MrzLineAssembler:
    """Collects a passport reader's text output until it holds a whole TD3 MRZ.

    ``feed`` takes whatever the port delivered (partial lines included) and returns the two
    lines once both arrived, else None. Lines that are not TD3 (TD1 ID cards, reader banners)
    are dropped.
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._first: str | None = None

    def feed(self, chunk: str) -> tuple[str, str] | None:
        self._buffer += chunk
        *complete, self._buffer = re.split(r"[\r\n]", self._buffer)
        for raw in complete:
            line = raw.strip().upper()
            if not line:
                continue
            if not TD3_LINE.match(line):
                self._first = None
                continue
            if self._first is None:
                if line.startswith("P"):
                    self._first = line
                continue
            first, self._first = self._first, None
            return first, line
        return None
