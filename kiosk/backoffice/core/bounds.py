"""Numeric and date bounds for everything that comes in: kiosk messages and staff parameters.

A number or date the database (or Python's ``date`` arithmetic) cannot hold must be refused
as bad input (422), never reach SQL and come back as a 500: ``offset=2**64`` overflows a
PostgreSQL ``bigint`` and SQLite's integers, ``day=9999-12-31`` overflows ``day + 1``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query

from kiosk.backoffice.core.errors import InvalidInput

INT64_MAX = 2**63 - 1  # PostgreSQL bigint, SQLite INTEGER
INT32_MAX = 2**31 - 1  # PostgreSQL integer (yen, quantities, receipt numbers are stored so)
YEN_MAX = 100_000_000  # one sale, line or tender: ¥100 million; eight tax rates still fit int32
COUNT_MAX = 100_000  # quantities, item counts, points per entry are far below
PAGE_MAX = 1000  # rows per page of any list
# Business dates the back office accepts: wide enough for any real sale, narrow enough that
# "the day after" and "the month's first/last day" never leave what ``date`` can hold.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)

Offset = Annotated[int, Query(ge=0, le=INT64_MAX)]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX)]
Cursor = Annotated[int, Query(ge=0, le=INT64_MAX)]  # a seq or version a kiosk already has
YenFilter = Annotated[int | None, Query(ge=-INT32_MAX, le=INT32_MAX)]  # yen columns are int32
RowId = Annotated[int, Path(ge=1, le=INT64_MAX)]


def business_day(value: str, name: str = "date") -> date:
    """A ``YYYY-MM-DD`` parameter within :data:`FIRST_DAY`..:data:`LAST_DAY`."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} {value!r}: use YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{name} {value}: between {FIRST_DAY} and {LAST_DAY}")
    return day


def whole_number(value: str, name: str, low: int = -INT32_MAX, high: int = INT32_MAX) -> int:
    """A form or query field as an int within ``low..high`` (a 32-bit column by default)."""
    try:
        number = int(value.strip())
    except (AttributeError, ValueError):
        raise InvalidInput(f"{name}: a whole number") from None
    if not low <= number <= high:
        raise InvalidInput(f"{name}: between {low:,} and {high:,}")
    return number
