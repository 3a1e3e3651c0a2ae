"""The PostgreSQL pool keeps the connections it opened (up to its cap) instead of closing
the ones beyond a smaller kept size at every check-in and opening them again (issue 21)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from kiosk.backoffice.core.db import make_engine
from tests.backoffice.databases import postgres_url  # noqa: F401 (fixture)


@pytest.mark.postgres
def test_function_a_busy_worker_reuses_its_connections(postgres_url):  # noqa: F811
    """GIVEN 25 requests at once in one worker, twice WHEN each checks a connection out and
    returns it THEN the second burst opens no new backend (before: 5 closed and reopened)."""
    engine = make_engine(postgres_url)
    opened: list[object] = []
    event.listen(engine, "connect", lambda dbapi, record: opened.append(dbapi))
    try:
        backends: set[int] = set()
        for _burst in range(2):
            held = [engine.connect() for _ in range(25)]
            backends.update(c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in held)
            for c in held:
                c.close()
        assert len(opened) == 25
        assert len(backends) == 25  # the second burst ran on the first burst's backends
    finally:
        engine.dispose()
