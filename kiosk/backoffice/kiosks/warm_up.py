"""Start-up warm-up, so the first kiosk burst after a restart is not the slowest.

A fresh process pays one-off costs on its first sync request: SQLAlchemy configures every
mapper (~15 ms), compiles the kiosk lookup's SELECT, opens the pooled SQLite connection and
reads its first pages, and anyio imports its asyncio backend and starts the worker thread
(~30 ms). Twenty kiosks reconnecting at once all waited behind that first request. Paid here
at start-up instead, in the thread pool the routes use; nothing is kept.

After that, the first batch of 10 sales still cost about 3 ms more CPU than the next ones
(6.6–8.9 against 3.4–5.2 ms, SQLite, three runs 2026-12-07; about 1 ms with what follows):
compiling the ingest's INSERTs (``ingest_rows.Prepared``), the business day's query, the JSON
column's bind processor. A burst's batches queue for the one writer, so each waited for that
too. So one made-up sale is also ingested, for a kiosk that is not enrolled, and rolled back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from datetime import datetime
from typing import Any

import anyio.to_thread
from sqlalchemy.orm import configure_mappers

from kiosk.backoffice.core.db import Database
from kiosk.backoffice.core.errors import BackofficeError
from kiosk.backoffice.kiosks import identity
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.ingest import OutboxEvent, ingest
from kiosk.backoffice.staff.auth import authenticate_kiosk

#: a bearer token the lookup refuses (no such kiosk, or a secret that does not match)
_NOBODY = "warm-up.0"


def warm_up(db: Database) -> float:
    """Pay the first request's one-off costs now; answer the seconds it took."""
    began = time.perf_counter()
    configure_mappers()
    with db.reading() as session:
        # refused, as meant: the sync route's own lookup is compiled and cached all the same
        with suppress(BackofficeError):
            authenticate_kiosk(session, _NOBODY, lock=True)
        identity.current_epoch(session, _NOBODY)
    with db.reading() as session:  # never committed: closing the session rolls it back
        ingest(session, KioskRow(kiosk_id=_NOBODY, store_id="", last_seq=0), [_sale()], _NOW)
        session.rollback()
    return time.perf_counter() - began


_NOW = datetime(2000, 1, 1)


def _sale() -> OutboxEvent:
    """A made-up sale with a line of each tax rate and a tender, as a kiosk sends it."""
    lines = [
        {"sku": "warm-up", "quantity": 1, "amount": 108, "tax": "reduced"},
        {"sku": "warm-up", "quantity": 1, "amount": 110, "tax": "standard"},
    ]
    doc = {
        "sale_id": str(uuid.uuid4()),
        "kiosk_id": _NOBODY,
        "receipt_no": 1,
        "completed_at": _NOW.isoformat(),
        "total": 218,
        "rates": [
            {"tax": "reduced", "gross": 108, "tax_amount": 8},
            {"tax": "standard", "gross": 110, "tax_amount": 10},
        ],
        "lines": lines,
        "tenders": [{"method": "cash", "amount": 218}],
    }
    return OutboxEvent(1, str(uuid.uuid4()), "sale", doc)


def with_warm_up(app: Any, db: Database) -> None:
    """Run :func:`warm_up` in the app's thread pool before its own lifespan starts."""
    inner: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        await anyio.to_thread.run_sync(warm_up, db)
        async with inner(application) as state:
            yield state

    app.router.lifespan_context = lifespan
