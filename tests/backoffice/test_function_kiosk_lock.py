"""The sync batch's kiosk row: locked by one Core statement, written back by one UPDATE.

GIVEN/WHEN/THEN in each test; on both databases where it applies.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from kiosk.backoffice.kiosks.kiosk_lock import lock_kiosk
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.ingest import OutboxEvent, ingest
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event


def test_function_the_locked_kiosk_is_the_sessions_object_and_progress_is_written(bo_db, clock):
    """GIVEN an enrolled kiosk WHEN a batch of 2 sales is ingested under lock_kiosk
    THEN the object is the session's own (a second get returns it), nothing is left for the
    flush, and the database holds the new last_seq and last_seen_at."""
    with bo_db.transaction() as s:
        enrol_kiosk(s, "K01", clock())
    events = [OutboxEvent(e["seq"], e["event_id"], "sale", e["payload"]) for e in
              (event(1, DAY), event(2, DAY))]  # fmt: skip
    with bo_db.transaction() as s:
        kiosk = lock_kiosk(s, "K01")
        assert kiosk is not None and s.get(KioskRow, "K01") is kiosk
        assert kiosk.enrolled_at == clock() and kiosk.last_seq == 0
        result = ingest(s, kiosk, events, clock())
        assert result.acked_through == 2 and kiosk.last_seq == 2
        assert not s.dirty
    with bo_db.reading() as s:
        row = s.execute(select(KioskRow.last_seq, KioskRow.last_seen_at)).one()
        assert tuple(row) == (2, clock())
    with bo_db.transaction() as s:
        assert lock_kiosk(s, "K99") is None


def test_function_an_object_loaded_before_is_locked_by_the_orm(bo_db, clock):
    """GIVEN the kiosk already loaded in the session WHEN locked THEN the same object."""
    with bo_db.transaction() as s:
        enrol_kiosk(s, "K01", clock())
    with bo_db.transaction() as s:
        loaded = s.get(KioskRow, "K01")
        assert lock_kiosk(s, "K01") is loaded


@pytest.mark.postgres
def test_function_a_second_batch_of_the_same_kiosk_waits_for_the_lock(postgres_url, clock):
    """GIVEN one transaction holding kiosk K01's lock
    WHEN another asks for K01 (with a lock timeout) THEN it cannot have it, while K02 can."""
    from kiosk.backoffice.core.db import Database

    db = Database(postgres_url, migrate=False)
    try:
        with db.transaction() as s:
            s.execute(text("DELETE FROM bo_kiosks WHERE kiosk_id IN ('K01', 'K02')"))
            enrol_kiosk(s, "K01", clock())
            enrol_kiosk(s, "K02", clock())
        with db.transaction() as holder:
            assert lock_kiosk(holder, "K01") is not None
            with db.transaction() as other:
                other.execute(text("SET LOCAL lock_timeout = '100ms'"))
                assert lock_kiosk(other, "K02") is not None
            with pytest.raises(OperationalError, match="lock timeout"), db.transaction() as other:
                other.execute(text("SET LOCAL lock_timeout = '100ms'"))
                lock_kiosk(other, "K01")
    finally:
        db.close()
