"""The report archive page (manager) and the scheduler's place in the server's lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kiosk.backoffice.archive.models import ArchivedReportRow
from kiosk.backoffice.archive.service import DAILY, MONTHLY, ArchiveScheduler
from kiosk.backoffice.core.bounds import Offset
from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.core.errors import NotFound
from kiosk.backoffice.core.pages import csv_response, template_page
from kiosk.backoffice.core.templates import Link, yen

router = APIRouter()
PAGE_SIZE = 100
KIND_LABELS = {DAILY: "Daily 日報", MONTHLY: "Monthly 月報"}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Archive closed periods on a thread for as long as the server runs."""
    if not logging.getLogger().handlers:
        # uvicorn configures only its own loggers; without this the archive's lines are lost
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    backoffice = app.state.bo
    scheduler = ArchiveScheduler(
        backoffice.db,
        backoffice.clock,
        sections=lambda report: backoffice.plugin_results("kiosk_report_sections", report=report),
    )
    scheduler.start()
    try:
        yield
    finally:
        scheduler.stop()


def _revised(revisions: list) -> str:
    if not revisions:
        return ""
    was = revisions[-1]
    times = f" ×{len(revisions)}" if len(revisions) > 1 else ""
    return f"revised 再作成{times}: was {was['sales']:,} sales {yen(was['total'])} ({was['generated_at']})"


@router.get("/reports/archive")
def archive_page(
    request: Request, staff: Manager, kind: str = "", offset: Offset = 0
) -> HTMLResponse:
    columns = (
        ArchivedReportRow.kind,
        ArchivedReportRow.period,
        ArchivedReportRow.sales,
        ArchivedReportRow.total,
        ArchivedReportRow.generated_at,
        ArchivedReportRow.revisions,
    )
    query = select(*columns).order_by(ArchivedReportRow.period.desc(), ArchivedReportRow.kind)
    if kind in KIND_LABELS:
        query = query.where(ArchivedReportRow.kind == kind)
    offset = max(0, offset)
    with bo(request).db.reading() as session:
        found = session.execute(query.offset(offset).limit(PAGE_SIZE + 1)).all()
    rows = [
        (
            KIND_LABELS[k],
            p,
            n,
            t,
            f"{at:%Y-%m-%d %H:%M}",
            _revised(revisions),
            [
                Link(f"/reports/archive/{quote(k)}/{quote(p)}.html", "HTML"),
                Link(f"/reports/archive/{quote(k)}/{quote(p)}.csv", "CSV"),
            ],
        )
        for k, p, n, t, at, revisions in found[:PAGE_SIZE]
    ]
    filters = [
        (f"/reports/archive?{urlencode({'kind': k})}", lab) for k, lab in KIND_LABELS.items()
    ]
    older = ""
    if len(found) > PAGE_SIZE:
        older = "/reports/archive?" + urlencode({"kind": kind, "offset": offset + PAGE_SIZE})
    return template_page(
        "archive/archive.html",
        "Reports archive 帳票保管",
        staff,
        filters=filters,
        rows=rows,
        older=older,
    )


def _stored(request: Request, kind: str, period: str) -> ArchivedReportRow:
    with bo(request).db.reading() as session:
        row = session.scalars(
            select(ArchivedReportRow).where(
                ArchivedReportRow.kind == kind, ArchivedReportRow.period == period
            )
        ).first()
    if row is None:
        raise NotFound(f"no archived {kind} report for {period}; see /reports/archive")
    return row


@router.get("/reports/archive/{kind}/{period}.html")
def archived_html(request: Request, _: Manager, kind: str, period: str) -> HTMLResponse:
    return HTMLResponse(_stored(request, kind, period).html)


@router.get("/reports/archive/{kind}/{period}.csv")
def archived_csv(request: Request, _: Manager, kind: str, period: str) -> Response:
    return csv_response(f"{kind}-{period}.csv", _stored(request, kind, period).csv)
