"""Customer segments from purchase history: recency, frequency, monetary (RFM), pure.

The kiosk records what the back office needs (the member id on each sale, points and
coupons in the outbox); the back office runs these over its sales. Each measure is scored
1–5 against fixed, store-configurable thresholds (not quantiles), so a member's segment
does not change because other members shopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# score s is given when the value reaches THRESHOLDS[s - 2] (score 1 below the first)
RECENCY_DAYS = (90, 30, 14, 7)  # fewer days since the last visit scores higher
FREQUENCY_VISITS = (2, 4, 8, 16)  # visits in the window
MONETARY_YEN = (5_000, 15_000, 40_000, 100_000)  # spend in the window
# every name Rfm.segment can give, best first
SEGMENTS = ("champion", "loyal", "new", "regular", "at_risk", "lapsed")


@dataclass(frozen=True, slots=True)
class Rfm:
    member_id: str
    recency_days: int
    frequency: int
    monetary: int
    r: int
    f: int
    m: int

    @property
    def segment(self) -> str:
        if self.r >= 4 and self.f >= 4 and self.m >= 4:
            return "champion"
        if self.r >= 3 and self.f >= 3:
            return "loyal"
        if self.r >= 4 and self.f <= 2:
            return "new"
        if self.r <= 2 and self.f >= 3:
            return "at_risk"
        if self.r == 1:
            return "lapsed"
        return "regular"


def _score_up(value: int, thresholds: Sequence[int]) -> int:
    return 1 + sum(value >= t for t in thresholds)


def _score_recency(days: int, thresholds: Sequence[int]) -> int:
    return 1 + sum(days <= t for t in thresholds)


def score(
    member_id: str,
    recency_days: int,
    frequency: int,
    monetary: int,
    recency_thresholds: Sequence[int] = RECENCY_DAYS,
    frequency_thresholds: Sequence[int] = FREQUENCY_VISITS,
    monetary_thresholds: Sequence[int] = MONETARY_YEN,
) -> Rfm:
    """Score one member's measures, for callers that sum the sales themselves (in SQL)."""
    return Rfm(
        member_id,
        recency_days,
        frequency,
        monetary,
        _score_recency(recency_days, recency_thresholds),
        _score_up(frequency, frequency_thresholds),
        _score_up(monetary, monetary_thresholds),
    )


def rfm(
    sales: Iterable[Mapping[str, Any]],
    now: datetime,
    window_days: int = 365,
    recency: Sequence[int] = RECENCY_DAYS,
    frequency: Sequence[int] = FREQUENCY_VISITS,
    monetary: Sequence[int] = MONETARY_YEN,
) -> dict[str, Rfm]:
    """RFM per member from sale documents (``member_id``, ``completed_at``, ``total``).

    Sales without a member, outside the window or in the future are ignored; a refund is a
    sale with a negative total: it lowers the monetary value and is not a visit (recency and
    frequency count purchases only).
    """
    visits: dict[str, list[tuple[datetime, int]]] = {}
    for sale in sales:
        member = sale.get("member_id")
        at = sale["completed_at"]
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        if not member or at > now or (now - at).days > window_days:
            continue
        visits.setdefault(member, []).append((at, int(sale["total"])))
    out = {}
    for member, rows in sorted(visits.items()):
        # recency from the last visit (a purchase), not a refund; a member with only
        # refunds in the window falls back to the latest of them
        last = max((at for at, total in rows if total > 0), default=max(at for at, _ in rows))
        days = (now - last).days
        count = sum(1 for _, total in rows if total > 0)
        spend = sum(total for _, total in rows)
        out[member] = score(member, days, count, spend, recency, frequency, monetary)
    return out


def segments(scores: Mapping[str, Rfm]) -> dict[str, list[str]]:
    """Members grouped by segment name (each list sorted)."""
    grouped: dict[str, list[str]] = {}
    for member, score in sorted(scores.items()):
        grouped.setdefault(score.segment, []).append(member)
    return grouped
