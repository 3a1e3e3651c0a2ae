"""Report archive (帳票保管): daily and monthly reports stored once their period has closed.

A business day is closed at its end (the next day's ``business_day_starts``) plus a grace
period for kiosks syncing late (default 2 h); a month when its last day is. A closed period
with sales is rendered once, by the same code as ``/reports/daily`` and ``/reports/monthly``
(the daily one with the settlement per kiosk), and stored with the sales count and total it
was made from. When those figures change later (a kiosk that was offline delivers old
sales), or a day's settlement is recorded or redone after its report was stored, the next
run renders it again and keeps the earlier figures in ``revisions``.

Several server processes and a cron job may run this at once: the unique ``(kind, period)``
row is the claim, and a revision only replaces the figures it read (compare and swap), so a
period is never stored twice and never revised twice for one change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.backoffice.archive.models import ArchivedReportRow
from kiosk.backoffice.core import business_day
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.core.templates import document, yen
from kiosk.backoffice.exports.service import to_csv
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.reports import views
from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.settlement import service as settlement
from kiosk.backoffice.settlement import views as settlement_views
from kiosk.backoffice.settlement.models import SettlementRow

log = logging.getLogger(__name__)

DAILY, MONTHLY = "daily", "monthly"
GRACE = timedelta(hours=2)
RECHECK = timedelta(days=35)  # late sales for older days need `reports generate --recheck-all`
BATCH = 31  # periods per scheduler run: a year of backlog is caught up over a few runs
EVERY_S = 300.0
Sections = Callable[[reports.DayReport], list[Any]]


@dataclass(frozen=True)
class Period:
    """A closed period whose archive is missing or out of date; figures as last counted."""

    kind: str
    period: str
    last: date
    sales: int
    total: int


@dataclass(frozen=True)
class Archived:
    kind: str
    period: str
    sales: int
    total: int
    was: dict[str, Any] | None = None  # the previous version's figures when this is a revision


@dataclass
class Run:
    archived: list[Archived] = field(default_factory=list)
    remaining: int = 0  # due periods left for the next run


def last_closed_day(now: datetime, start: time, grace: timedelta = GRACE) -> date:
    """The newest business day whose end, plus ``grace``, is not after ``now``."""
    return business_day.business_date(now - grace, start) - timedelta(days=1)


def due(
    session: Session,
    now: datetime,
    *,
    grace: timedelta = GRACE,
    until: date | None = None,
    recheck: timedelta | None = RECHECK,
) -> list[Period]:
    """Closed periods with sales whose archive is missing or was made from other figures.

    Oldest first, a month right after its last day. One GROUP BY over the business dates,
    which the covering index ``ix_bo_sales_date_kiosk_totals`` answers without the sales.
    Periods are archived oldest first, so every day up to the newest archived one has been
    archived once: the GROUP BY starts at the month of whichever is older, that day or
    ``recheck`` before the last closed day (None: from the first sale), so a run reads a
    month or two of index, not years. Whole months, so a month's figures are complete.
    """
    last = last_closed_day(now, business_day.day_start(session), grace)
    if until is not None:
        last = min(last, until)
    in_range = SaleRow.business_date <= last
    newest = session.scalar(
        select(func.max(ArchivedReportRow.period)).where(ArchivedReportRow.kind == DAILY)
    )
    if recheck is not None and newest is not None:
        since = min(date.fromisoformat(newest), last - recheck).replace(day=1)
        in_range &= SaleRow.business_date >= since
    days = session.execute(
        select(SaleRow.business_date, func.count(), func.sum(SaleRow.total))
        .where(in_range)
        .group_by(SaleRow.business_date)
    ).all()
    candidates = [Period(DAILY, d.isoformat(), d, int(n), int(t)) for d, n, t in days]
    months: dict[tuple[int, int], list[int]] = {}
    for d, n, t in days:
        figures = months.setdefault((d.year, d.month), [0, 0])
        figures[0] += int(n)
        figures[1] += int(t)
    for (year, month), (n, t) in months.items():
        month_end = reports.month_bounds(year, month)[1]
        if month_end <= last:
            candidates.append(Period(MONTHLY, f"{year}-{month:02d}", month_end, n, t))
    stored = {
        (kind, period): (sales, int(total), generated_at)
        for kind, period, sales, total, generated_at in session.execute(
            select(
                ArchivedReportRow.kind,
                ArchivedReportRow.period,
                ArchivedReportRow.sales,
                ArchivedReportRow.total,
                ArchivedReportRow.generated_at,
            )
        )
    }
    settled = last_settlements(session, min((p.last for p in candidates), default=last), last)

    def is_due(p: Period) -> bool:
        have = stored.get((p.kind, p.period))
        if have is None or have[:2] != (p.sales, p.total):
            return True
        return p.kind == DAILY and settled.get(p.last, have[2]) > have[2]

    return sorted(filter(is_due, candidates), key=lambda p: (p.last, p.kind))


def last_settlements(session: Session, first: date, last: date) -> dict[date, datetime]:
    """When each business day's settlement was last recorded (any kiosk), ``first``–``last``."""
    return dict(
        session.execute(
            select(SettlementRow.business_date, func.max(SettlementRow.at))
            .where(SettlementRow.business_date.between(first, last))
            .group_by(SettlementRow.business_date)
        ).all()
    )


def _note(now: datetime, was: dict[str, Any] | None) -> str:
    text = f"Archived 保管 {now:%Y-%m-%d %H:%M}"
    if was:
        text += f" · revised 再作成: was {was['sales']:,} sales {yen(was['total'])} ({was['generated_at']})"
        if was.get("reason") == "settlement":
            text += " · settlement recorded after it 精算の登録・訂正"
    return text


def _render(
    session: Session,
    p: Period,
    now: datetime,
    was: dict[str, Any] | None,
    sections: Sections | None,
) -> tuple[str, str, int, int]:
    """HTML document, CSV (no BOM), and the sales count and total they show."""
    if p.kind == DAILY:
        day = date.fromisoformat(p.period)
        r = reports.day_report(session, day)
        if sections is not None:
            r.sections = sections(r)
        rows: list[tuple[Any, ...]] = list(views.daily_csv_rows(r))
        for s in settlement.settlements(session, day):
            rows += [
                ("settlement_expected", s.kiosk_id, "", s.expected_cash),
                ("settlement_counted", s.kiosk_id, "", s.counted_cash),
                ("settlement_discrepancy", s.kiosk_id, "", s.discrepancy),
            ]
        html = document(
            "archive/daily.html",
            f"Daily report 日報 {day}",
            note=_note(now, was),
            settled=settlement_views.settlement_rows(session, day),
            **views.daily_context(r),
        )
        return html, to_csv(views.DAILY_CSV_COLUMNS, rows), r.sales, r.total
    year, month = (int(x) for x in p.period.split("-"))
    m = reports.month_report(session, year, month)
    html = document(
        "archive/monthly.html",
        f"Monthly report 月報 {p.period}",
        note=_note(now, was),
        **views.monthly_context(m),
    )
    return html, views.monthly_csv_text(m), m.sales, m.total


def archive(
    session: Session, p: Period, now: datetime, sections: Sections | None = None
) -> Archived | None:
    """Store ``p`` (or its revision); None when another process already did.

    The figures stored are the ones the rendered report shows, counted in this transaction.
    A concurrent first insert of the same period raises IntegrityError at flush.
    """
    row = session.scalars(
        select(ArchivedReportRow).where(
            ArchivedReportRow.kind == p.kind, ArchivedReportRow.period == p.period
        )
    ).first()
    was = (
        None
        if row is None
        else {
            "sales": row.sales,
            "total": int(row.total),
            "generated_at": f"{row.generated_at:%Y-%m-%d %H:%M}",
        }
    )
    if was is not None and p.kind == DAILY and _settled_since(session, p.last, row.generated_at):
        was["reason"] = "settlement"
    html, csv, sales, total = _render(session, p, now, was, sections)
    if row is None:
        session.add(
            ArchivedReportRow(
                kind=p.kind,
                period=p.period,
                generated_at=now,
                sales=sales,
                total=total,
                html=html,
                csv=csv,
                revisions=[],
            )
        )
        session.flush()
        return Archived(p.kind, p.period, sales, total)
    if (row.sales, int(row.total)) == (sales, total) and "reason" not in was:
        return None
    swapped = session.execute(
        update(ArchivedReportRow)
        .where(
            ArchivedReportRow.id == row.id,
            ArchivedReportRow.sales == row.sales,
            ArchivedReportRow.total == row.total,
            ArchivedReportRow.generated_at == row.generated_at,
        )
        .values(
            generated_at=now,
            sales=sales,
            total=total,
            html=html,
            csv=csv,
            revisions=[*row.revisions, was],
        )
        .execution_options(synchronize_session=False)
    )
    return Archived(p.kind, p.period, sales, total, was) if swapped.rowcount == 1 else None


def _settled_since(session: Session, day: date, since: datetime) -> bool:
    latest = last_settlements(session, day, day).get(day)
    return latest is not None and latest > since


Progress = Callable[[int, int, Period, Archived | None], None]


def generate(
    db: Database,
    now: datetime,
    *,
    grace: timedelta = GRACE,
    until: date | None = None,
    recheck: timedelta | None = RECHECK,
    limit: int | None = BATCH,
    sections: Sections | None = None,
    progress: Progress | None = None,
) -> Run:
    """Archive up to ``limit`` due periods, oldest first, each in its own transaction."""
    with db.reading() as session:
        todo = due(session, now, grace=grace, until=until, recheck=recheck)
    batch = todo if limit is None else todo[:limit]
    run = Run(remaining=len(todo) - len(batch))
    for i, p in enumerate(batch, 1):
        try:
            with db.transaction() as session:
                done = archive(session, p, now, sections)
        except IntegrityError:
            done = None  # another process stored it first; its row is the archive
        if done is not None:
            run.archived.append(done)
        if progress is not None:
            progress(i, len(batch), p, done)
    return run


def describe(a: Archived) -> str:
    """One log or progress line; figures only, nothing about customers."""
    text = f"{a.kind} {a.period}: {a.sales:,} sales {yen(a.total)}"
    if a.was:
        text += f" (revised: was {a.was['sales']:,} sales {yen(a.was['total'])})"
    return text


class ArchiveScheduler:
    """Runs :func:`generate` every ``every`` seconds on a thread of the server process.

    An error is logged and the next run tries again; it never reaches the server. When a run
    leaves a backlog the next one starts after a second, so a backfill goes on in batches.
    """

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime] = datetime.now,
        *,
        every: float = EVERY_S,
        grace: timedelta = GRACE,
        limit: int = BATCH,
        sections: Sections | None = None,
    ) -> None:
        self.db, self.clock, self.every, self.grace, self.limit, self.sections = (
            db,
            clock,
            every,
            grace,
            limit,
            sections,
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> Run | None:
        try:
            run = generate(
                self.db, self.clock(), grace=self.grace, limit=self.limit, sections=self.sections
            )
        except Exception:
            log.exception("report archive: run failed; trying again in %.0f s", self.every)
            return None
        for a in run.archived:
            log.info("report archive: %s", describe(a))
        if run.remaining:
            log.info("report archive: %d period(s) left for the next run", run.remaining)
        return run

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="report-archive", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to stop and wait for the period it is storing, if any."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            run = self.run_once()
            self._stop.wait(1.0 if run is not None and run.remaining else self.every)
