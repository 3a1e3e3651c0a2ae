"""The dated rules of tax-free sales (輸出物品販売場制度), as pure functions.

Sources are listed in ``docs/tax-free.md``; every number here is a named constant so a
change in the law is a one-line change with a test.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from kiosk.domain.money import Yen

# Sales on or after this date use the refund method (リファンド方式, 令和7年度税制改正).
REFUND_METHOD_STARTS = date(2026, 11, 1)

# The buyer must have customs confirm the export within 90 days of the purchase date.
EXPORT_WINDOW_DAYS = 90

# Minimum purchase per buyer, store and day, excluding tax (下限額); kept by the 2026 reform,
# judged on all goods together (docs/tax-free.md, S7). Configurable.
MINIMUM_PURCHASE_EXCL_TAX: Yen = 5_000

# Items of this unit price or more (excluding tax) need detail fields (商品情報詳細).
HIGH_VALUE_UNIT_EXCL_TAX: Yen = 1_000_000

# Records are kept 7 years from two months after the end of the taxable period.
RETENTION_YEARS = 7
RETENTION_START_MONTHS_AFTER_PERIOD = 2

# A foreign visitor counts as a non-resident for less than six months after landing.
NON_RESIDENT_MONTHS = 6

# A Japanese national must have lived abroad for two years or more.
JAPANESE_ABROAD_YEARS = 2


class Regime(StrEnum):
    """Which tax-free procedure applies to a sale, by its date."""

    COUNTER_EXEMPTION = "counter_exemption"  # until 2026-10-31: sold tax-exclusive at the till
    REFUND = "refund"  # from 2026-11-01: sold tax-inclusive, refunded after customs


def regime_for(sale_date: date) -> Regime:
    return Regime.REFUND if sale_date >= REFUND_METHOD_STARTS else Regime.COUNTER_EXEMPTION


def export_deadline(purchase_date: date, days: int = EXPORT_WINDOW_DAYS) -> date:
    """The last day on which customs may confirm the export.

    「購入した日から90日以内」 counted as Japanese statutes count periods in days (民法第140条,
    初日不算入): the purchase day is not counted, so day 1 is the day after the purchase and
    day 90 is ``purchase_date + 90 days``. A sale on 2026-11-01 may be confirmed up to and
    including 2027-01-30; 2027-01-31 (day 91) is too late.
    """
    return purchase_date + timedelta(days=days)


def exported_in_time(
    purchase_date: date, export_date: date, days: int = EXPORT_WINDOW_DAYS
) -> bool:
    return purchase_date <= export_date <= export_deadline(purchase_date, days)


def day_number(purchase_date: date, on: date) -> int:
    """Which day of the window ``on`` is (the day after the purchase is day 1)."""
    return (on - purchase_date).days


def unit_price_excluding_tax(unit_price: Yen, rate_percent: int, includes_tax: bool) -> Fraction:
    """The exact unit price without consumption tax (no rounding: the threshold is exact)."""
    if not includes_tax:
        return Fraction(unit_price)
    return Fraction(unit_price * 100, 100 + rate_percent)


def is_high_value(
    unit_price: Yen,
    rate_percent: int,
    includes_tax: bool,
    threshold: Yen = HIGH_VALUE_UNIT_EXCL_TAX,
) -> bool:
    """Whether one unit costs ``threshold`` yen or more excluding tax (「100万円以上」)."""
    return unit_price_excluding_tax(unit_price, rate_percent, includes_tax) >= threshold


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (Jan 31 + 1 → Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_end(sale_date: date, fiscal_year_end_month: int = 12) -> date:
    """The last day of the taxable period (課税期間: the business year) holding ``sale_date``."""
    year = sale_date.year if sale_date.month <= fiscal_year_end_month else sale_date.year + 1
    return date(year, fiscal_year_end_month, calendar.monthrange(year, fiscal_year_end_month)[1])


def retention_until(sale_date: date, fiscal_year_end_month: int = 12) -> date:
    """Keep the record until this day: 7 years from the day after the filing deadline.

    The filing deadline is two months after the period ends, so the seven years start then;
    we keep through the end of that seventh year (conservative by one day at most).
    """
    start = add_months(
        period_end(sale_date, fiscal_year_end_month), RETENTION_START_MONTHS_AFTER_PERIOD
    )
    return add_months(start, 12 * RETENTION_YEARS)
