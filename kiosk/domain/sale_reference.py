"""The sale reference printed on every receipt as a QR code, and its parser.

Staff scan it to find the original sale for a return. It reads (no secrets in it)::

    SR1:<kiosk_id>:<YYYYMMDD>:<receipt_no>:<first 8 of sale_id>:<check>

* ``SR1`` marks our code (version 1) so the scanner never mistakes it for a product, a
  coupon or the tax-free ``TAXFREE:`` code.
* kiosk, date and receipt number are what staff would type by hand; the date keeps two
  sales apart if a restored database reused a receipt number.
* the first eight characters of the sale id confirm the match without a search by date.
* the check character (ISO 7064 MOD 37-2 style, :mod:`stdnum.iso7064.mod_37_36`) catches
  a misread or a mistyped code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, unquote

from stdnum.iso7064 import mod_37_36

PREFIX = "SR1"
SALE_ID_CHARS = 8


class InvalidSaleReference(ValueError):
    """Not a sale reference this kiosk prints (wrong prefix, shape or check character)."""


@dataclass(frozen=True, slots=True)
class SaleReference:
    kiosk_id: str
    sale_date: date
    receipt_no: int
    sale_id_prefix: str  # the sale id's first 8 characters (lower-case hex of a uuid4)

    def matches(self, sale_id: str) -> bool:
        """True when ``sale_id`` is the sale this reference names."""
        return sale_id[:SALE_ID_CHARS].lower() == self.sale_id_prefix


def _check_char(body: str) -> str:
    alnum = "".join(ch for ch in body.upper() if ch.isascii() and ch.isalnum())
    return mod_37_36.calc_check_digit(alnum)


def reference_for(kiosk_id: str, when: date | datetime, receipt_no: int, sale_id: str) -> str:
    """The reference of a sale known by its fields (a stored document)."""
    day = when.date() if isinstance(when, datetime) else when
    return _make(kiosk_id, day, receipt_no, sale_id)


def _make(kiosk_id: str, when: date, receipt_no: int, sale_id: str) -> str:
    # kiosk ids are free text in kiosk.toml: a ':' or non-ASCII is %-escaped, not refused
    kiosk = quote(kiosk_id, safe="-_.~")
    body = f"{PREFIX}:{kiosk}:{when:%Y%m%d}:{receipt_no}:{sale_id[:SALE_ID_CHARS].lower()}"
    return f"{body}:{_check_char(body)}"


def sale_reference(sale: Any) -> str:
    """The reference for ``sale`` (a :class:`~kiosk.domain.sale.Sale` or anything with
    ``kiosk_id``, ``completed_at``, ``receipt_no`` and ``sale_id``)."""
    completed = sale.completed_at
    when = completed.date() if isinstance(completed, datetime) else completed
    return _make(sale.kiosk_id, when, int(sale.receipt_no), str(sale.sale_id))


def parse_sale_reference(text: str) -> SaleReference:
    """Read a scanned or typed reference; raise :class:`InvalidSaleReference` saying why."""
    raw = text.strip()
    parts = raw.split(":")
    if len(parts) != 6 or parts[0].upper() != PREFIX:
        raise InvalidSaleReference(f"{raw!r} is not a sale reference (expected {PREFIX}:…)")
    _, kiosk_id, day, number, prefix, check = parts
    if not (len(day) == 8 and day.isdigit() and number.isdigit()):
        raise InvalidSaleReference(f"{raw!r}: date or receipt number is not digits")
    if not 1 <= len(prefix) <= SALE_ID_CHARS or not kiosk_id:
        raise InvalidSaleReference(f"{raw!r}: kiosk or sale id part is wrong")
    body = ":".join(parts[:5])
    if check.upper() != _check_char(body):
        raise InvalidSaleReference(f"{raw!r}: check character does not match (misread?)")
    try:
        sale_date = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        raise InvalidSaleReference(f"{raw!r}: {day} is not a date") from None
    return SaleReference(unquote(kiosk_id), sale_date, int(number), prefix.lower())
