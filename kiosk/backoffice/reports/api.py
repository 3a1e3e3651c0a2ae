"""Report API for integrations (staff session): day and month figures as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kiosk.backoffice.core.deps import Attendant, Manager, bo, parse_month
from kiosk.backoffice.reports import service as reports

router = APIRouter(prefix="/api/v1")


@router.get("/reports/day")
def report_day(request: Request, _: Attendant, day: str | None = None) -> dict[str, Any]:
    """Sales of a day (today by default) by hour, kiosk, payment method and tax rate."""
    with bo(request).db.reading() as session:
        return reports.day_report(session, bo(request).day(day)).to_json()


@router.get("/reports/month")
def report_month(request: Request, month: str, _: Manager) -> dict[str, Any]:
    year, mon = parse_month(month)
    today = bo(request).today()
    with bo(request).db.reading() as session:
        return reports.month_report(session, year, mon, today).to_json()
