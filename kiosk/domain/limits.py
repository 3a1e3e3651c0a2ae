"""Upper bounds on one basket line and one sale, and the error that names which one.

Why bounds at all: a quantity is typed (keypad, ``plu 107 99999999999999999999`` in a
script, a hand-off payload) and everything after the basket — promotions, tax, the payment
terminal, the receipt's columns — was written for shop-sized numbers. A kiosk sale past these
is a mistake or an attack, never a shopper; staff ring such an order up at a till.

- :data:`MAX_LINE_QUANTITY`: pieces of one item (a repeat scan merges into its line, so
  this is per item per sale).
- :data:`MAX_LINE_AMOUNT` and :data:`MAX_SALE_AMOUNT`: yen of one line and of the sale's
  lines together, before adjustments and before any tax added on top (外税). Seven digits:
  what payment terminals and the receipt's amount column take.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.domain.money import Yen

MAX_LINE_QUANTITY = 999
MAX_LINE_AMOUNT: Yen = 9_999_999
MAX_SALE_AMOUNT: Yen = 9_999_999


class Limit(StrEnum):
    LINE_QUANTITY = "line_quantity"
    LINE_AMOUNT = "line_amount"
    SALE_AMOUNT = "sale_amount"


MAXIMA: dict[Limit, int] = {
    Limit.LINE_QUANTITY: MAX_LINE_QUANTITY,
    Limit.LINE_AMOUNT: MAX_LINE_AMOUNT,
    Limit.SALE_AMOUNT: MAX_SALE_AMOUNT,
}

_WHAT = {
    Limit.LINE_QUANTITY: "pieces of one item",
    Limit.LINE_AMOUNT: "yen on one line",
    Limit.SALE_AMOUNT: "yen in one sale",
}


def over_limit(limit: Limit, value: int) -> bool:
    return value > MAXIMA[limit]


def limit_message(limit: Limit, value: int) -> str:
    """The staff/script text: what was asked and what the bound is."""
    return f"{value:,} {_WHAT[limit]} is over the kiosk's limit of {MAXIMA[limit]:,}"
