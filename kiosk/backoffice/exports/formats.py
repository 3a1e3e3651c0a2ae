"""Export formats plugins add (``kiosk_export_formats``): an accounting package's own CSV.

A plugin returns :class:`ExportFormat` objects; managers list them at ``/exports/formats``
and download one at ``/exports/formats/<name>.csv?date_from=…&date_to=…``. The built-in
journal layout is offered the same way, beside its older address ``/exports/accounting.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from kiosk.backoffice.core.deps import Manager, bo
from kiosk.backoffice.core.errors import InvalidInput, NotFound
from kiosk.backoffice.exports import service as exports

router = APIRouter()
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFormat:
    """One CSV layout. ``rows(session, first, last)`` yields one sequence per CSV row."""

    name: str  # in the URL: lower-case letters, digits, - and _
    title: str
    columns: Sequence[str]
    rows: Callable[[Session, date, date], Iterable[Sequence[Any]]]


JOURNAL = ExportFormat(
    "kiosk-journal-v1",
    "Accounting journal (仕訳)",
    exports.JOURNAL_COLUMNS,
    exports.accounting_rows,
)


def available(backoffice: Any) -> dict[str, ExportFormat]:
    """The built-in layouts and every plugin's, by name (a malformed one is left out)."""
    formats = {JOURNAL.name: JOURNAL}
    for fmt in backoffice.plugin_results("kiosk_export_formats"):
        if not isinstance(fmt, ExportFormat) or not _NAME.match(fmt.name):
            continue
        formats.setdefault(fmt.name, fmt)
    return formats


def neutralise(cell: Any) -> Any:
    """A cell a spreadsheet would run as a formula is made text (a plugin's data is not ours)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


@router.get("/exports/formats")
def list_formats(request: Request, _: Manager) -> JSONResponse:
    return JSONResponse(
        [
            {"name": f.name, "title": f.title, "columns": list(f.columns)}
            for f in available(bo(request)).values()
        ]
    )


@router.get("/exports/formats/{name}.csv")
def export_csv(request: Request, name: str, date_from: str, date_to: str, _: Manager) -> Response:
    from kiosk.backoffice.core.pages import csv_response

    fmt = available(bo(request)).get(name)
    if fmt is None:
        raise NotFound(f"no export format {name!r}")
    first, last = bo(request).day(date_from), bo(request).day(date_to)
    if last < first:
        raise InvalidInput("date_to is before date_from")
    with bo(request).db.reading() as session:
        rows = [[neutralise(c) for c in row] for row in fmt.rows(session, first, last)]
    return csv_response(f"{name}-{first}-{last}.csv", exports.to_csv(fmt.columns, rows))
