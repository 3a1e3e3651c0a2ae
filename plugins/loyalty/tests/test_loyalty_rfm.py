"""RFM segments from a list of sales (pure; the back office runs it over its history)."""

from __future__ import annotations

from datetime import datetime, timedelta

from plugins.loyalty.rfm import rfm, segments

NOW = datetime(2026, 6, 30, 20, 0)


def _sale(member, days_ago, total):
    return {
        "member_id": member,
        "completed_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "total": total,
    }


def test_recency_frequency_monetary_scores_and_segments():
    sales = [
        *(_sale("M-CHAMP", d, 3000) for d in range(1, 60, 3)),  # 20 visits, 60,000 yen
        _sale("M-NEW", 2, 800),
        *(_sale("M-RISK", d, 2000) for d in (120, 130, 140, 150, 160)),
        _sale("M-LAPSED", 300, 500),
        _sale(None, 1, 999),  # not a member: ignored
        _sale("M-OLD", 400, 10_000),  # outside the window: ignored
    ]
    scores = rfm(sales, NOW)
    assert set(scores) == {"M-CHAMP", "M-NEW", "M-RISK", "M-LAPSED"}
    champ = scores["M-CHAMP"]
    assert (champ.recency_days, champ.frequency, champ.monetary) == (1, 20, 60_000)
    assert (champ.r, champ.f, champ.m) == (5, 5, 4)
    assert segments(scores) == {
        "champion": ["M-CHAMP"],
        "new": ["M-NEW"],
        "at_risk": ["M-RISK"],
        "lapsed": ["M-LAPSED"],
    }


def test_a_refund_lowers_the_spend_but_is_not_a_visit():
    scores = rfm([_sale("M1", 5, 5000), _sale("M1", 4, -2000)], NOW)
    assert (scores["M1"].frequency, scores["M1"].monetary) == (1, 3000)
    # nor is it the last visit: recency counts from the purchase 5 days ago
    assert scores["M1"].recency_days == 5
    # a member with only a refund in the window: recency from that refund
    assert rfm([_sale("M2", 3, -500)], NOW)["M2"].recency_days == 3
