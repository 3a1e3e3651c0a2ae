"""Campaign report (販促効果): per coupon definition, issued vs redeemed, and the effect.

*Issued* is known only for coupons the back office hands out: the master-data setting
``coupons`` lists definitions as ``{"id": "C100", "members": [member ids it is attached
to]}`` (issued = those members) or ``{"id": "FLYER", "issued": 5000}`` (a print run). An
open barcode or QR coupon nobody counted is ``None`` ("n/a").

*Effect*: the average spend in the period of the members who redeemed the coupon against
comparable members who did not. Comparable means the same RFM segment just before the
period (:func:`plugins.loyalty.backoffice.customers.scored_members` as its first business day starts); a
segment's non-redeemers include those who did not come at all (spend 0). The comparable
average is weighted by how many redeemers each segment has, so a coupon loved by champions
is not credited with their habit of spending. Redeemers with no history before the period
have no segment and are not compared (``not_compared``). Averages are rounded half up to
the yen once, at the end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.plugin_api import InvalidInput, Sales, audit_count, day_start, get_setting
from plugins.loyalty.backoffice.campaigns_coupons import SALE_MISSING, UNREADABLE
from plugins.loyalty.backoffice.customers import scored_members
from plugins.loyalty.backoffice.customers_models import CouponUseRow
from plugins.loyalty.rfm import SEGMENTS

MAX_DAYS = 366
CSV_COLUMNS = (
    "definition_id", "label", "issued", "redeemed", "redemption_percent", "discount",
    "amount_unknown", "members_redeemed", "members_compared", "not_compared",
    "avg_spend_redeemers", "avg_spend_comparable", "difference",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SegmentEffect:
    segment: str
    redeemers: int
    avg_spend_redeemers: int
    comparable: int  # members of the segment who did not redeem
    avg_spend_comparable: int


@dataclass
class CampaignLine:
    definition_id: str
    label: str
    issued: int | None  # None: not known (an open coupon)
    redeemed: int = 0
    discount: int = 0
    amount_unknown: int = 0  # uses whose sale never arrived
    members_redeemed: int = 0
    members_compared: int = 0
    not_compared: int = 0  # redeemers without a segment before the period, or without peers
    avg_spend_redeemers: int | None = None
    avg_spend_comparable: int | None = None
    difference: int | None = None  # rounded from the exact averages, not their roundings
    by_segment: list[SegmentEffect] = field(default_factory=list)

    @property
    def redemption_percent(self) -> float | None:
        return round(100 * self.redeemed / self.issued, 1) if self.issued else None

    def csv_row(self) -> list[Any]:
        """CSV_COLUMNS; an unknown issue count (and so its rate) is "n/a", no effect is empty."""
        row = [getattr(self, name) for name in CSV_COLUMNS]
        return [
            "n/a" if v is None and c in ("issued", "redemption_percent") else v
            for c, v in zip(CSV_COLUMNS, row, strict=True)
        ]

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in CSV_COLUMNS}
        return data | {"by_segment": [asdict(s) for s in self.by_segment]}


@dataclass
class CampaignReport:
    date_from: date
    date_to: date
    lines: list[CampaignLine]
    problems: int  # coupons events the back office could not use (see the audit log)

    def to_json(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "problems": self.problems,
            "campaigns": [line.to_json() for line in self.lines],
        }


def yen(value: Fraction) -> int:
    """Round half up to the yen."""
    return int((value + Fraction(1, 2)).__floor__())


def configured(session: Session) -> dict[str, tuple[int | None, str]]:
    """``{definition id: (issued, label)}`` from the master-data setting ``coupons``."""
    out: dict[str, tuple[int | None, str]] = {}
    value = get_setting(session, "coupons", [])
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        label = str(entry.get("label_ja") or entry.get("label_en") or "")
        members, issued = entry.get("members"), entry.get("issued")
        if isinstance(members, list):
            out[entry["id"]] = (len({str(m) for m in members}), label)
        elif isinstance(issued, int) and not isinstance(issued, bool) and issued >= 0:
            out[entry["id"]] = (issued, label)
        else:
            out[entry["id"]] = (None, label)
    return out


def period_bounds(session: Session, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The business days ``date_from``…``date_to`` as times: ``[start, end)``."""
    start = day_start(session)
    return datetime.combine(date_from, start), datetime.combine(date_to + timedelta(days=1), start)


def period_spend(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Spend per member in ``[start, end)``; by time, not business date, to stay on the member index."""
    rows = session.execute(
        select(Sales.member_id, func.sum(Sales.total))
        .where(
            Sales.member_id.is_not(None),
            Sales.completed_at >= start,
            Sales.completed_at < end,
        )
        .group_by(Sales.member_id)
    )
    return {m: int(total) for m, total in rows}


def campaign_report(session: Session, date_from: date, date_to: date) -> CampaignReport:
    if date_to < date_from or (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput(f"date range: from ≤ to, at most {MAX_DAYS} days")
    lines = {
        d: CampaignLine(d, label, issued) for d, (issued, label) in configured(session).items()
    }
    redeemers: dict[str, set[str]] = defaultdict(set)
    uses = session.execute(
        select(
            CouponUseRow.definition_id,
            CouponUseRow.label,
            CouponUseRow.member_id,
            CouponUseRow.amount_off,
        ).where(
            CouponUseRow.business_date.between(date_from, date_to),
            CouponUseRow.reinstated_at.is_(None),  # given back by a return: not redeemed
        )
    )
    for definition, label, member, amount in uses:
        line = lines.setdefault(definition, CampaignLine(definition, label, None))
        line.label = line.label or label
        line.redeemed += 1
        line.discount += amount or 0
        line.amount_unknown += amount is None
        if member:
            redeemers[definition].add(member)
    start, end = period_bounds(session, date_from, date_to)
    # a sale at exactly ``start`` is in the period, and scored_members counts one at its ``now``
    before = {
        m.member_id: m.segment for m in scored_members(session, start - timedelta(microseconds=1))
    }
    spend = period_spend(session, start, end)
    members_of: dict[str, list[str]] = defaultdict(list)
    for member, segment in before.items():
        members_of[segment].append(member)
    for definition, members in redeemers.items():
        _effect(lines[definition], members, before, members_of, spend)
    problems = audit_count(session, (UNREADABLE, SALE_MISSING))
    return CampaignReport(
        date_from, date_to, sorted(lines.values(), key=lambda x: x.definition_id), int(problems)
    )


def _effect(
    line: CampaignLine,
    redeemers: set[str],
    before: dict[str, str],
    members_of: dict[str, list[str]],
    spend: dict[str, int],
) -> None:
    line.members_redeemed = len(redeemers)
    took: dict[str, list[str]] = defaultdict(list)
    for member in redeemers:
        if member in before:
            took[before[member]].append(member)
    redeemer_sum, comparable_sum, compared = Fraction(0), Fraction(0), 0
    for segment in SEGMENTS:
        group = took.get(segment)
        peers = [m for m in members_of.get(segment, ()) if m not in redeemers]
        if not group or not peers:
            continue
        mine = sum(spend.get(m, 0) for m in group)
        theirs = Fraction(sum(spend.get(m, 0) for m in peers), len(peers))
        redeemer_sum += mine
        comparable_sum += theirs * len(group)
        compared += len(group)
        line.by_segment.append(
            SegmentEffect(
                segment, len(group), yen(Fraction(mine, len(group))), len(peers), yen(theirs)
            )
        )
    line.members_compared, line.not_compared = compared, len(redeemers) - compared
    if compared:
        line.avg_spend_redeemers = yen(redeemer_sum / compared)
        line.avg_spend_comparable = yen(comparable_sum / compared)
        line.difference = yen((redeemer_sum - comparable_sum) / compared)
