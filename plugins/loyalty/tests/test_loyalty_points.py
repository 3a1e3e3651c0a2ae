"""Points arithmetic: earning (basis, campaigns, bonus products, points tender) and balances
with expiring lots."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from plugins.loyalty.points import Campaign, EarnPolicy, Entry, balance, points_earned

T0 = datetime(2026, 3, 2, 12, 0)  # Monday the 2nd


def _document(total=1100, tax=100, tenders=(("cash", 1100),), lines=None, at=T0):
    lines = lines or [{"line_id": 1, "sku": "A", "amount": total, "voided": False}]
    return {
        "sale_id": "s1",
        "member_id": "M1",
        "completed_at": at.isoformat(),
        "total": total,
        "rates": [{"tax_amount": tax}],
        "tenders": [{"method": m, "amount": a} for m, a in tenders],
        "lines": lines,
        "adjustments": [],
    }


def test_after_tax_and_before_tax_basis():
    assert points_earned(_document(), EarnPolicy()).total == 11
    assert points_earned(_document(), EarnPolicy(basis="before_tax")).total == 10


def test_the_part_paid_with_points_earns_nothing_unless_the_store_says_so():
    doc = _document(tenders=(("points", 500), ("cash", 600)))
    assert points_earned(doc, EarnPolicy()).total == 6
    assert points_earned(doc, EarnPolicy(earn_on_points_tender=True)).total == 11


def test_double_points_day_and_bonus_product():
    lines = [
        {"line_id": 1, "sku": "A", "amount": 600, "voided": False},
        {"line_id": 2, "sku": "B", "amount": 500, "voided": False},
    ]
    doc = _document(lines=lines)
    fives = Campaign("gotobi", 2, month_days=frozenset({5, 15, 25}))
    mondays = Campaign("monday", 3, weekdays=frozenset({0}))
    assert points_earned(doc, EarnPolicy(campaigns=(fives,))).total == 11  # not the 5th
    earning = points_earned(doc, EarnPolicy(campaigns=(fives, mondays)))
    assert (earning.total, earning.campaigns) == (33, ("monday",))
    bonus = points_earned(doc, EarnPolicy(product_multipliers={"B": 5}))
    assert bonus.bonus_points == 500 // 100 * (5 - 1) == 20 and bonus.total == 11 + 20


def test_spending_takes_the_lot_that_expires_first_and_expiry_takes_the_rest():
    year = timedelta(days=365)
    entries = [
        Entry(100, T0, T0 + year),
        Entry(50, T0 + timedelta(days=100), T0 + timedelta(days=100) + year),
        Entry(-120, T0 + timedelta(days=200)),
    ]
    assert balance(entries, T0 + timedelta(days=201)).points == 30
    # the first lot was used up; the 30 left belong to the second, which lives on
    assert balance(entries, T0 + year + timedelta(days=1)).points == 30
    assert balance(entries, T0 + timedelta(days=466)).points == 0


def test_a_reversal_after_spending_is_paid_off_by_later_earnings():
    entries = [Entry(100, T0, None), Entry(-100, T0 + timedelta(1)), Entry(-30, T0 + timedelta(2))]
    assert balance(entries, T0 + timedelta(3)).points == 0
    assert balance([*entries, Entry(50, T0 + timedelta(4), None)], T0 + timedelta(5)).points == 20


@given(st.lists(st.tuples(st.integers(-500, 500), st.integers(0, 800)), max_size=30))
def test_balance_is_never_negative_and_never_more_than_was_earned(rows):
    entries = [
        Entry(p, T0 + timedelta(days=d), T0 + timedelta(days=d + 365) if p > 0 else None)
        for p, d in rows
        if p
    ]
    for day in (0, 400, 1200):
        points = balance(entries, T0 + timedelta(days=day)).points
        assert 0 <= points <= sum(e.points for e in entries if e.points > 0)
