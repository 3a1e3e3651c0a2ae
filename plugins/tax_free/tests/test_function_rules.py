"""Dated rules: which regime a sale falls under, the 90-day window, ¥1,000,000 items, retention."""

from datetime import date

import pytest

from plugins.tax_free import rules
from plugins.tax_free.rules import Regime


def test_a_sale_on_2026_10_31_is_under_the_old_counter_exemption():
    """GIVEN a sale on the last day before the reform THEN the old rules apply."""
    assert rules.regime_for(date(2026, 10, 31)) is Regime.COUNTER_EXEMPTION


def test_a_sale_on_2026_11_01_is_under_the_refund_method():
    assert rules.regime_for(date(2026, 11, 1)) is Regime.REFUND


def test_day_90_is_the_last_day_customs_may_confirm():
    """GIVEN a purchase on 2026-11-01 THEN day 90 is 2027-01-30 (the purchase day not counted)."""
    bought = date(2026, 11, 1)
    assert rules.export_deadline(bought) == date(2027, 1, 30)
    assert rules.day_number(bought, date(2027, 1, 30)) == 90
    assert rules.exported_in_time(bought, date(2027, 1, 30))  # day 90
    assert not rules.exported_in_time(bought, date(2027, 1, 31))  # day 91


def test_export_on_the_purchase_day_counts():
    assert rules.exported_in_time(date(2026, 11, 1), date(2026, 11, 1))
    assert not rules.exported_in_time(date(2026, 11, 1), date(2026, 10, 31))


@pytest.mark.parametrize(
    ("unit_price", "rate", "inclusive", "expected"),
    [
        (1_100_000, 10, True, True),  # exactly ¥1,000,000 excluding tax
        (1_099_999, 10, True, False),  # ¥999,999.09… excluding tax
        (1_080_000, 8, True, True),
        (1_079_999, 8, True, False),
        (1_000_000, 10, False, True),  # a tax-exclusive price
        (999_999, 10, False, False),
    ],
)
def test_the_one_million_yen_threshold_is_per_unit_excluding_tax(
    unit_price, rate, inclusive, expected
):
    assert rules.is_high_value(unit_price, rate, inclusive) is expected


def test_records_are_kept_seven_years_after_the_filing_deadline():
    """GIVEN a calendar-year business THEN the 7 years start two months after 31 December."""
    assert rules.retention_until(date(2026, 11, 2)) == date(2034, 2, 28)
    assert rules.retention_until(date(2026, 11, 2), fiscal_year_end_month=3) == date(2034, 5, 31)
