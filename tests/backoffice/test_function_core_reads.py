"""The sync batch's reads as Core statements built once (core_reads): they answer what the
ORM queries they replaced answered — the session's own objects, its unflushed writes seen.

GIVEN/WHEN/THEN in each test; on both databases.
"""

from __future__ import annotations

import pytest

from kiosk.backoffice.core import business_day
from kiosk.backoffice.kiosks.identity import current_epoch
from kiosk.backoffice.kiosks.models import EpochRow, KioskRow
from kiosk.backoffice.masterdata.models import SettingRow
from kiosk.backoffice.sales import schemas
from kiosk.backoffice.sales.ingest import OutboxEvent, ingest
from kiosk.backoffice.sales.ingest_rows import stored_sale_ids
from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.domain.text_controls import BIDI_CONTROLS
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event


def _epoch(number: int, clock) -> EpochRow:
    return EpochRow(kiosk_id="K01", epoch=number, instance_id=f"db-{number}", seq_offset=0,
                    first_local_seq=1, reason="first", receipt_floor=0, started_at=clock())  # fmt: skip


def test_function_current_epoch_is_the_sessions_object_and_sees_unflushed_epochs(bo_db, clock):
    """GIVEN an epoch stored and a later one added to the session but not flushed
    WHEN the current epoch is read THEN it is the added object itself (flushed first, as the
    ORM query's autoflush did); read again, the same object, and nothing left to flush."""
    with bo_db.transaction() as s:
        enrol_kiosk(s, "K01", clock())
        assert current_epoch(s, "K01") is None
        s.add(_epoch(1, clock))
    with bo_db.transaction() as s:
        first = current_epoch(s, "K01")
        assert first is not None and (first.epoch, first.instance_id) == (1, "db-1")
        assert current_epoch(s, "K01") is first and not s.dirty and not s.new
        later = _epoch(2, clock)
        s.add(later)
        assert current_epoch(s, "K01") is later
        first.instance_id = "changed"  # a change to a read object is flushed at commit
    with bo_db.reading() as s:
        assert {(e.epoch, e.instance_id) for e in s.query(EpochRow)} == {
            (1, "changed"),
            (2, "db-2"),
        }


def test_function_stored_sale_ids_answers_any_batch_size(bo_db, clock):
    """GIVEN 3 sales stored WHEN batches of 1, 2 and 4 ids are looked up with the one
    statement THEN each answers exactly its stored ids."""
    with bo_db.transaction() as s:
        enrol_kiosk(s, "K01", clock())
        events = [event(n, DAY) for n in (1, 2, 3)]
        batch = [OutboxEvent(e["seq"], e["event_id"], "sale", e["payload"]) for e in events]
        ingest(s, s.get(KioskRow, "K01"), batch, clock())
    ids = [e["payload"]["sale_id"] for e in events]
    with bo_db.transaction() as s:
        assert stored_sale_ids(s, [ids[0]]) == {ids[0]}
        assert stored_sale_ids(s, ["nope", ids[2]]) == {ids[2]}
        assert stored_sale_ids(s, [*ids, "nope"]) == set(ids)
        assert stored_sale_ids(s, []) == set()


def test_function_day_start_reads_the_setting_as_written_in_the_same_transaction(bo_db):
    """GIVEN no setting, then one added in the session but not flushed WHEN the day start
    is read THEN midnight, then the new start."""
    with bo_db.transaction() as s:
        assert business_day.day_start(s) == business_day.MIDNIGHT
        s.add(SettingRow(key=business_day.SETTING, value={"value": "04:30"}))
        assert business_day.day_start(s).isoformat() == "04:30:00"


@pytest.mark.parametrize("bad", ["\x00", *sorted(BIDI_CONTROLS)])
def test_function_plain_text_refuses_each_control_with_its_message(bad):
    """GIVEN a text holding NUL or one bidi override (anywhere) WHEN checked THEN refused,
    the message naming NUL or the override's code point; text without them passes as is."""
    for text in (bad, f"ok{bad}", f"レジ{bad}袋"):
        with pytest.raises(ValueError) as refused:
            schemas._plain_text(text)
        assert (
            ("NUL" in str(refused.value))
            if bad == "\x00"
            else (f"U+{ord(bad):04X}" in str(refused.value))
        )
    assert schemas._plain_text("レジ袋 ￥276 \u200e") == "レジ袋 ￥276 \u200e"
