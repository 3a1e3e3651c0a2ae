"""The back office's public API for plugins: the one ``kiosk.backoffice`` module a plugin imports.

A plugin's back-office part (its ``backoffice/`` folder, built-in or a vendor's) reaches the
host through this module only; an import-linter contract in ``pyproject.toml`` and
``tests/test_import_layers.py`` refuse any other ``kiosk.backoffice.*`` import from
``plugins/`` and ``examples/`` (a plugin's tests may look deeper). What is here is kept
stable; everything else in the back office may change without notice.

It offers:

- **what a plugin contributes** through its hooks: :class:`NavEntry`, :class:`TemplateFolder`,
  :class:`EventHandler`, :class:`MasterDataSection`;
- **its own tables**: :class:`Base`, the declarative base every back-office table is mapped
  on (the plugin's migrations create them);
- **errors** that become HTTP answers with their message: :class:`InvalidInput` (422),
  :class:`NotFound` (404), :class:`NotAllowed` (403), :class:`BackofficeError`;
- **request dependencies**: :data:`Manager`, :data:`Admin`, :data:`Attendant` (a signed-in
  staff member with that role, as a :data:`Staff`), :data:`KioskToken` (a kiosk's bearer
  token, checked by :func:`kiosk_by_token`) and :func:`bo` (the back office: ``db``,
  ``clock()``, ``today()``, ``day()``);
- **bounds** for parameters: :data:`Offset`, :data:`Limit`, :data:`Cursor`, :data:`RowId`,
  :data:`YEN_MAX`;
- **pages**: :func:`template_page`, :func:`form`, :func:`csv_response` with :func:`to_csv`
  (cells neutralised), :class:`Link`, :class:`Span`, :class:`Note`, :func:`bar_chart`;
- **kiosk messages**: :class:`OutboxEvent` (what an event handler gets), :class:`AllowExtra`,
  :func:`text_field`, :data:`TimeText` for a handler's payload schema; :class:`ForbidExtra`,
  :data:`Yen`, :data:`Count`, :data:`Time`, :data:`JsonBody` and :func:`parse` for a kiosk
  request a plugin's router checks at the door (and the first four for a payload schema
  whose unknown fields are refused: loyalty's points and members);
- **the attendant console**: :class:`ConsolePart` and :class:`TileField` (what
  ``kiosk_backoffice_console`` returns), :func:`console_kiosks` (every kiosk's last report,
  read only) and :func:`console_changed` (the live console redraws);
- **the audit log**: :func:`record`, :func:`audit_count`;
- **settings and the business day**: :func:`get_setting`, :func:`day_start`,
  :func:`business_date`;
- **read access to the host's data**: :func:`sale_by_id` (a read-only :class:`SaleView`),
  :func:`kiosk_by_token`, :func:`scrub_raw_events` (erasure of a plugin's own event kinds);
  and, deliberately, three host classes for what a function cannot do: :data:`Kiosk` and
  :data:`Staff` (the types handlers and dependencies receive, to read) and :data:`Sales`
  (the sales table, for ``select()`` sums and an index over its columns — never to write).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.audit.service import record
from kiosk.backoffice.console.models import KioskStatusRow
from kiosk.backoffice.core.bounds import YEN_MAX, Cursor, Limit, Offset, RowId
from kiosk.backoffice.core.business_day import business_date, day_start
from kiosk.backoffice.core.deps import (
    Admin,
    Attendant,
    JsonBody,
    KioskToken,
    Manager,
    OptionalJsonBody,
    bo,
)
from kiosk.backoffice.core.errors import BackofficeError, InvalidInput, NotAllowed, NotFound
from kiosk.backoffice.core.extensions import (
    ConsolePart,
    EventHandler,
    MasterDataSection,
    NavEntry,
    TemplateFolder,
    TileField,
)
from kiosk.backoffice.core.models import Base
from kiosk.backoffice.core.pages import csv_response, form, template_page
from kiosk.backoffice.core.templates import Link, Note, Span
from kiosk.backoffice.exports.service import to_csv
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.masterdata.service import get_setting
from kiosk.backoffice.reports.charts import bar_chart
from kiosk.backoffice.sales.ingest import OutboxEvent
from kiosk.backoffice.sales.models import KioskEventRow, SaleRow
from kiosk.backoffice.sales.schemas import (
    AllowExtra,
    Count,
    ForbidExtra,
    Time,
    TimeText,
    Yen,
    parse,
    text_field,
)
from kiosk.backoffice.staff.auth import authenticate_kiosk
from kiosk.backoffice.staff.models import StaffRow

__all__ = [
    "YEN_MAX",
    "Admin",
    "AllowExtra",
    "Attendant",
    "BackofficeError",
    "Base",
    "ConsoleKiosk",
    "ConsolePart",
    "Count",
    "Cursor",
    "EventHandler",
    "ForbidExtra",
    "InvalidInput",
    "JsonBody",
    "Kiosk",
    "KioskToken",
    "Limit",
    "Link",
    "Manager",
    "MasterDataSection",
    "NavEntry",
    "NotAllowed",
    "NotFound",
    "Note",
    "Offset",
    "OptionalJsonBody",
    "OutboxEvent",
    "RowId",
    "SaleView",
    "Sales",
    "Span",
    "Staff",
    "TemplateFolder",
    "TileField",
    "Time",
    "TimeText",
    "Yen",
    "audit_count",
    "bar_chart",
    "bo",
    "business_date",
    "console_changed",
    "console_kiosks",
    "csv_response",
    "day_start",
    "form",
    "get_setting",
    "kiosk_by_token",
    "parse",
    "record",
    "sale_by_id",
    "scrub_raw_events",
    "template_page",
    "text_field",
    "to_csv",
]

# What each name is, for the re-exports whose own docstring is missing or about something
# else (a type alias, a dependency); the API reference (kiosk.apiref) shows these.
_SUMMARIES: dict[str, str] = {
    "YEN_MAX": "The largest yen amount one sale, line or tender may carry (100,000,000).",
    "Admin": "Route parameter type: the signed-in admin (a `Staff`); anyone else gets 401/403.",
    "Manager": "Route parameter type: a signed-in manager or admin (a `Staff`); else 401/403.",
    "Attendant": "Route parameter type: any signed-in staff member (a `Staff`); else 401.",
    "KioskToken": "Route parameter type: the kiosk's bearer token (401 without one); check it "
    "with `kiosk_by_token`.",
    "Offset": "Query parameter type: a row offset, 0 up to a 64-bit integer (else 422).",
    "Limit": "Query parameter type: rows per page, 1 to 1000 (else 422).",
    "Cursor": "Query parameter type: a seq or version a kiosk already has, 0 or more (else 422).",
    "RowId": "Path parameter type: a row id, 1 up to a 64-bit integer (else 422).",
    "TimeText": "Schema field type: a time as text (up to 40 characters, no NUL) that the "
    "handler parses and reports itself.",
    "ForbidExtra": "Base model for a kiosk request's or an event payload's schema (strict "
    "types): declared fields checked, an unknown one refused (a 422 naming it).",
    "Yen": "Schema field type: a yen amount, a JSON integer within ±`YEN_MAX`.",
    "Count": "Schema field type: a count of items, a JSON integer from 0.",
    "Time": "Schema field type: a local ISO 8601 date and time (2000–2099, no UTC offset).",
    "JsonBody": "Route parameter type: the request's JSON body as sent (check it with `parse`).",
    "OptionalJsonBody": "Route parameter type: the request's JSON body, or None when it has none.",
    "parse": "`parse(model, body, what)`: `body` checked by `model`, else `InvalidInput` (422) "
    "naming `what` and the first bad field.",
    "AllowExtra": "Base model for an event handler's payload schema: declared fields "
    "checked, unknown ones kept (a newer kiosk may add some).",
    "text_field": "`text_field(high, low=0)`: a schema field type for text of `low`..`high` "
    "characters, NUL refused.",
    "Base": "The declarative base every back-office table is mapped on: map your tables "
    "on it and create them in your migrations.",
    "NotFound": "Answered as 404 with its message.",
    "OutboxEvent": "What an event handler gets: `seq` (the kiosk's outbox seq), `event_id`, "
    "`kind` and `payload` (a dict, already checked against the handler's `schema`).",
    "bo": "`bo(request)`: the back office — `db.reading()` / `db.transaction()` sessions, "
    "`clock()`, `today()`, `day(text)`.",
    "csv_response": "`csv_response(name, text)`: a CSV download named `name` (text from `to_csv`).",
    "day_start": "`day_start(session)`: when the store's business day starts "
    "(`business_day_starts`, default 00:00).",
    "get_setting": "`get_setting(session, key, default)`: a store setting's value as the "
    "manager last saved it (master data), else `default`.",
    "Kiosk": "Type: an enrolled kiosk, as event handlers and `kiosk_by_token` receive it; "
    "read `kiosk_id`, `store_id`, `name`, never change it.",
    "Staff": "Type: a staff member, as `Manager`/`Admin`/`Attendant` resolve to; read "
    "`username`, `display_name`, `role`, never change it.",
    "Sales": "The host's sales table (`bo_sales`), exposed deliberately for `select()` sums "
    "and an index of your own over its columns; read only. One sale: `sale_by_id`.",
}

#: An enrolled kiosk, as event handlers (``handle(session, kiosk, event, now)``) and
#: :func:`kiosk_by_token` receive it. Exposed as a type to read ``kiosk_id``, ``store_id``
#: and ``name``; a plugin never changes it (enrolment, revocation and the outbox position
#: are the host's).
Kiosk = KioskRow

#: A staff member, as :data:`Manager`, :data:`Admin` and :data:`Attendant` resolve to.
#: Exposed as a type to read ``username``, ``display_name`` and ``role``
#: (``"admin"``, ``"manager"`` or ``"attendant"``); a plugin never changes it.
Staff = StaffRow

#: The host's sales table (``bo_sales``: one row per sale document the kiosks sent), exposed
#: deliberately for what a function cannot offer: ``select()`` sums and groupings over its
#: columns (``sale_id``, ``kiosk_id``, ``store_id``, ``receipt_no``, ``completed_at``,
#: ``business_date``, ``total``, ``member_id``) and a plugin's own index on them (declared in
#: its migration). Read only: a sale is the kiosk's document; never add, change or delete a
#: row. One sale by id: :func:`sale_by_id`.
Sales = SaleRow


@dataclass(frozen=True, slots=True)
class SaleView:
    """One sale as the back office keeps it, read only (``document`` is the kiosk's sale
    document as received: lines, adjustments, tenders, tax; a read-only mapping)."""

    sale_id: str
    kiosk_id: str
    store_id: str
    receipt_no: int
    completed_at: datetime
    business_date: date
    total: int  # yen, tax included; negative for a refund document
    member_id: str | None
    document: Mapping[str, Any]


def sale_by_id(session: Session, sale_id: str) -> SaleView | None:
    """The sale ``sale_id`` as a read-only :class:`SaleView`, or None if it never arrived."""
    row = session.scalars(select(SaleRow).where(SaleRow.sale_id == sale_id)).first()
    if row is None:
        return None
    return SaleView(
        row.sale_id,
        row.kiosk_id,
        row.store_id,
        row.receipt_no,
        row.completed_at,
        row.business_date,
        row.total,
        row.member_id,
        MappingProxyType(copy.deepcopy(row.document)),  # a copy: the stored one stays as sent
    )


def kiosk_by_token(session: Session, token: str) -> Kiosk:
    """The enrolled kiosk a bearer token (:data:`KioskToken`) belongs to; an unknown, wrong or
    revoked token raises the 401/403 error the kiosk's own requests get."""
    return authenticate_kiosk(session, token)


@dataclass(frozen=True, slots=True)
class ConsoleKiosk:
    """A kiosk's last state report as the attendant console judges it, read only."""

    kiosk_id: str
    name: str
    role: str  # self | payment | station (kiosk.attendant_policy.KioskRole)
    state: str  # idle | shopping | paying | needs_attendant | error
    mode: str  # open | paused | closed
    state_since: datetime  # back-office time
    reported_at: datetime  # back-office time of the last report
    online: bool  # reported within the console's ``offline_after``


def console_kiosks(request: Request, session: Session, now: datetime) -> list[ConsoleKiosk]:
    """Every enrolled, not revoked kiosk that has reported to the console, by kiosk id."""
    offline_after = request.app.state.console_settings.offline_after
    rows = session.execute(
        select(KioskStatusRow, KioskRow)
        .join(KioskRow, KioskRow.kiosk_id == KioskStatusRow.kiosk_id)
        .where(KioskRow.revoked_at.is_(None))
        .order_by(KioskStatusRow.kiosk_id)
    )
    return [
        ConsoleKiosk(
            status.kiosk_id,
            kiosk.name or kiosk.kiosk_id,
            status.role,
            status.state,
            status.mode,
            status.state_since,
            status.reported_at,
            now - status.reported_at <= offline_after,
        )
        for status, kiosk in rows
    ]


def console_changed(request: Request) -> None:
    """Tell the live console (every open page, every worker) that something it shows changed;
    call it after the transaction that changed it committed."""
    request.app.state.console_bus.bump()


def audit_count(session: Session, actions: Iterable[str]) -> int:
    """How many audit-log rows record one of ``actions`` (a plugin counts its own problems,
    which it wrote with :func:`record`)."""
    wanted = tuple(actions)
    if not wanted:
        return 0
    return session.scalar(select(func.count()).where(AuditRow.action.in_(wanted))) or 0


def scrub_raw_events(
    session: Session, kind: str, scrub: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> int:
    """Rewrite the stored raw payloads of outbox events of the plugin's own ``kind``.

    The back office keeps every non-sale event as received; a plugin that must erase personal
    data (APPI) from its events passes ``scrub(payload)``, which returns the payload to keep
    instead or None to leave that event alone. Runs in the caller's transaction; returns how
    many events were rewritten. Only for kinds the plugin itself outboxes.
    """
    changed = 0
    for raw in session.scalars(select(KioskEventRow).where(KioskEventRow.kind == kind)):
        replacement = scrub(dict(raw.payload))
        if replacement is not None:
            raw.payload = replacement
            changed += 1
    return changed
