"""Points arithmetic, pure: how many a sale earns, and a balance with expiring lots.

Earning (付与): ``yen_per_point`` yen of the sale earn one point, on the total after tax
(税込) or before it (税抜), after every discount. The part paid with points earns nothing
unless ``earn_on_points_tender``. Campaign days multiply the whole; bonus products add
``(multiplier − 1)`` × their own points on top.

Balance: each earned lot expires ``expiry_days`` after it was earned (有効期限). Spending
takes from the lot that expires first, so expiry only ever takes points nobody spent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.domain.tax import amounts_after_adjustments

POINTS_METHOD = "points"


@dataclass(frozen=True, slots=True)
class Campaign:
    """A points multiplier on chosen days (ポイント倍デー), e.g. every 5th, 15th and 25th."""

    campaign_id: str
    multiplier: int = 2
    weekdays: frozenset[int] = frozenset()  # 0 = Monday
    month_days: frozenset[int] = frozenset()
    start: date | None = None
    end: date | None = None  # inclusive

    def applies(self, day: date) -> bool:
        if (self.start and day < self.start) or (self.end and day > self.end):
            return False
        if not self.weekdays and not self.month_days:
            return True
        return day.weekday() in self.weekdays or day.day in self.month_days


@dataclass(frozen=True, slots=True)
class EarnPolicy:
    yen_per_point: int = 100
    basis: str = "after_tax"  # or "before_tax"
    earn_on_points_tender: bool = False
    expiry_days: int = 365
    campaigns: tuple[Campaign, ...] = ()
    product_multipliers: Mapping[str, int] = field(default_factory=dict)  # sku → ×n

    @classmethod
    def from_settings(cls, s: Mapping[str, Any]) -> EarnPolicy:
        campaigns = tuple(
            Campaign(
                campaign_id=cid,
                multiplier=int(c.get("multiplier", 2)),
                weekdays=frozenset(c.get("weekdays", ())),
                month_days=frozenset(c.get("month_days", ())),
                start=date.fromisoformat(c["start"]) if c.get("start") else None,
                end=date.fromisoformat(c["end"]) if c.get("end") else None,
            )
            for cid, c in dict(s.get("campaigns", {})).items()
        )
        basis = s.get("basis", "after_tax")
        if basis not in ("after_tax", "before_tax"):
            raise ValueError("[plugins.loyalty] basis must be after_tax or before_tax")
        return cls(
            yen_per_point=max(1, int(s.get("yen_per_point", 100))),
            basis=basis,
            earn_on_points_tender=bool(s.get("earn_on_points_tender", False)),
            expiry_days=int(s.get("expiry_days", 365)),
            campaigns=campaigns,
            product_multipliers={k: int(v) for k, v in dict(s.get("bonus_products", {})).items()},
        )


@dataclass(frozen=True, slots=True)
class Earning:
    base_yen: int
    base_points: int
    multiplier: int
    bonus_points: int
    campaigns: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.base_points * self.multiplier + self.bonus_points


def effective_line_amounts(document: Mapping[str, Any]) -> dict[int, int]:
    """Each active line's amount after adjustments, allocated exactly as ``compute_totals`` does."""
    amounts = {line["line_id"]: line["amount"] for line in document["lines"] if not line["voided"]}
    adjustments = [(a["amount"], a["line_ids"]) for a in document.get("adjustments", ())]
    return amounts_after_adjustments(amounts, adjustments)


def points_earned(document: Mapping[str, Any], policy: EarnPolicy) -> Earning:
    """Points a committed sale (``Sale.to_document()``) earns under ``policy``."""
    total = int(document["total"])
    rates = document.get("rates", ())
    base = total - sum(r["tax_amount"] for r in rates) if policy.basis == "before_tax" else total
    paid_with_points = sum(
        t["amount"] for t in document.get("tenders", ()) if t["method"] == POINTS_METHOD
    )
    if paid_with_points and not policy.earn_on_points_tender and total > 0:
        base = base * max(total - paid_with_points, 0) // total
    day = datetime.fromisoformat(document["completed_at"]).date()
    active = [c for c in policy.campaigns if c.applies(day)]
    multiplier = max((c.multiplier for c in active), default=1)
    bonus = 0
    if policy.product_multipliers:
        amounts = effective_line_amounts(document)
        for line in document["lines"]:
            extra = policy.product_multipliers.get(line["sku"], 1) - 1
            if extra > 0 and line["line_id"] in amounts:
                bonus += amounts[line["line_id"]] // policy.yen_per_point * extra
    return Earning(
        base_yen=max(base, 0),
        base_points=max(base, 0) // policy.yen_per_point,
        multiplier=multiplier,
        bonus_points=bonus,
        campaigns=tuple(c.campaign_id for c in active),
    )


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger row as the balance sees it: ``points`` > 0 adds a lot, < 0 spends."""

    points: int
    at: datetime
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    points: int
    expiring: tuple[tuple[datetime, int], ...] = ()  # (expires at, points) soonest first
    debt: int = 0  # points spent that were not there (offline spends at two kiosks, reversals)

    def next_expiry(self) -> tuple[datetime, int] | None:
        return self.expiring[0] if self.expiring else None


def balance(entries: Iterable[Entry], now: datetime) -> Balance:
    """Replay ``entries`` in time order; spends take the soonest-expiring live lot first.

    A spend larger than the live lots (a reversal after the points were used) leaves a
    debt that later earnings pay off first; the balance shown is never negative.
    """
    lots: list[list[Any]] = []  # [expires_at or None, remaining]
    debt = 0
    for entry in sorted(entries, key=lambda e: e.at):
        lots = [lot for lot in lots if lot[0] is None or lot[0] > entry.at]
        if entry.points > 0:
            amount = entry.points
            paid = min(debt, amount)
            debt, amount = debt - paid, amount - paid
            if amount:
                lots.append([entry.expires_at, amount])
            continue
        need = -entry.points
        for lot in sorted(lots, key=_expiry_order):
            take = min(lot[1], need)
            lot[1] -= take
            need -= take
            if not need:
                break
        debt += need
        lots = [lot for lot in lots if lot[1] > 0]
    live = [lot for lot in lots if lot[0] is None or lot[0] > now]
    expiring = tuple(sorted((lot[0], lot[1]) for lot in live if lot[0] is not None))
    return Balance(max(sum(lot[1] for lot in live) - debt, 0), expiring, debt)


def _expiry_order(lot: Sequence[Any]) -> tuple[int, datetime]:
    return (1, datetime.max) if lot[0] is None else (0, lot[0])


def expiry_for(earned_at: datetime, policy: EarnPolicy) -> datetime | None:
    return earned_at + timedelta(days=policy.expiry_days) if policy.expiry_days > 0 else None
