"""Start-up warm-up, so the first kiosk burst after a restart is not the slowest.

A fresh process pays one-off costs on its first sync request: SQLAlchemy configures every
mapper (~15 ms), compiles the kiosk lookup's SELECT, opens the pooled SQLite connection and
reads its first pages, and anyio imports its asyncio backend and starts the worker thread
(~30 ms). Twenty kiosks reconnecting at once all waited behind that first request. Paid here
at start-up instead, in the thread pool the routes use, with reads only: nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any

import anyio.to_thread
from sqlalchemy.orm import configure_mappers

from kiosk.backoffice.core.db import Database
from kiosk.backoffice.core.errors import BackofficeError
from kiosk.backoffice.kiosks import identity
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
    return time.perf_counter() - began


def with_warm_up(app: Any, db: Database) -> None:
    """Run :func:`warm_up` in the app's thread pool before its own lifespan starts."""
    inner: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        await anyio.to_thread.run_sync(warm_up, db)
        async with inner(application) as state:
            yield state

    app.router.lifespan_context = lifespan
