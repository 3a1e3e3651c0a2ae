"""The one Server-Sent Events helper: every live page (Today, the console) streams through it.

A stream sends ``event: <name>`` with a JSON snapshot at once, then again whenever its
:class:`~kiosk.backoffice.core.change_bus.ChangeBus` moves on, and at the latest after
``refresh_s`` (so verdicts that need no event, such as 'offline' or a new business day,
still show up). The snapshot is computed on the thread pool: it reads the database.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from kiosk.backoffice.core.change_bus import ChangeBus

#: the browser reconnects after this long when a stream drops
RETRY_MS = 2000
# A stream also sends when nothing woke it for this long (a new business day); sales ingested
# by another worker wake it at once through the change feed on PostgreSQL. The default of
# Backoffice.live_refresh_s (``BACKOFFICE_LIVE_REFRESH_S``).
LIVE_REFRESH_S = 15.0
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def stream(
    request: Request,
    bus: ChangeBus,
    event: str,
    snapshot: Callable[[], Any],
    refresh_s: float,
) -> StreamingResponse:
    """``text/event-stream`` of ``snapshot()`` as JSON, sent again after every bump of ``bus``."""

    async def events() -> AsyncIterator[str]:
        yield f"retry: {RETRY_MS}\n\n"
        while not await request.is_disconnected():
            seen = bus.version
            data = json.dumps(await run_in_threadpool(snapshot), ensure_ascii=False)
            yield f"event: {event}\ndata: {data}\n\n"
            await bus.wait_async(seen, refresh_s)

    return StreamingResponse(events(), media_type="text/event-stream", headers=HEADERS)
