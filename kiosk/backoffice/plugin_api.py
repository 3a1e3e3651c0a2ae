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
  :func:`text_field`, :data:`TimeText` for a handler's payload schema;
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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.audit.service import record
from kiosk.backoffice.core.bounds import YEN_MAX, Cursor, Limit, Offset, RowId
from kiosk.backoffice.core.business_day import business_date, day_start
from kiosk.backoffice.core.deps import Admin, Attendant, KioskToken, Manager, bo
from kiosk.backoffice.core.errors import BackofficeError, InvalidInput, NotAllowed, NotFound
from kiosk.backoffice.core.extensions import (
    EventHandler,
    MasterDataSection,
    NavEntry,
    TemplateFolder,
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
from kiosk.backoffice.sales.schemas import AllowExtra, TimeText, text_field
from kiosk.backoffice.staff.auth import authenticate_kiosk
from kiosk.backoffice.staff.models import StaffRow

__all__ = [
    "YEN_MAX",
    "Admin",
    "AllowExtra",
    "Attendant",
    "BackofficeError",
    "Base",
    "Cursor",
    "EventHandler",
    "InvalidInput",
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
    "OutboxEvent",
    "RowId",
    "SaleView",
    "Sales",
    "Span",
    "Staff",
    "TemplateFolder",
    "TimeText",
    "audit_count",
    "bar_chart",
    "bo",
    "business_date",
    "csv_response",
    "day_start",
    "form",
    "get_setting",
    "kiosk_by_token",
    "record",
    "sale_by_id",
    "scrub_raw_events",
    "template_page",
    "text_field",
    "to_csv",
]

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
        MappingProxyType(dict(row.document)),
    )


def kiosk_by_token(session: Session, token: str) -> Kiosk:
    """The enrolled kiosk a bearer token (:data:`KioskToken`) belongs to; an unknown, wrong or
    revoked token raises the 401/403 error the kiosk's own requests get."""
    return authenticate_kiosk(session, token)


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
