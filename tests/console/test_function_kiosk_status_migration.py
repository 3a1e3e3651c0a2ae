"""Migration 0003_kiosk_status_handoff drops bo_kiosk_status.handoff_id, which nothing has
read or written since the handoff plugin keeps a kiosk's hand-off (bo_handoff_kiosks).

GIVEN a back-office database at 0002 with a kiosk's status row (its hand-off id set)
WHEN the back office starts (every branch to its head)
THEN the row is there without the column, a report still updates it, and the migration
goes back down to 0002 with the column again.
"""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import inspect, text

from kiosk.backoffice.console.models import KioskStatusRow
from kiosk.backoffice.core.db import Database, alembic_config, make_engine

AT = datetime(2026, 11, 20, 9, 0)


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("bo_kiosk_status")}
    finally:
        engine.dispose()


def test_function_the_unused_hand_off_column_is_dropped_and_the_rows_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    config = alembic_config(engine, plugin_versions=())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO bo_kiosks (kiosk_id, store_id, name, token_hash, enrolled_at, "
                "last_seq, masterdata_version) "
                "VALUES ('K01', 'S01', 'レジ1', 'x', :at, 0, 0)"
            ),
            {"at": AT},
        )
        connection.execute(
            text(
                "INSERT INTO bo_kiosk_status (kiosk_id, role, state, checkout_state, mode, "
                "total, items, state_since, health, unsent_sales, alerts, lines, handoff_id, "
                "reported_at) VALUES ('K01', 'payment', 'paying', '', 'open', 378, 2, :at, "
                "'{}', 0, '[]', '[]', 'H-1', :at)"
            ),
            {"at": AT},
        )
    engine.dispose()
    assert "handoff_id" in _columns(url)

    db = Database(url)  # upgrades every branch to its head
    try:
        with db.transaction() as s:
            row = s.get(KioskStatusRow, "K01")
            assert (row.state, row.total, row.items) == ("paying", 378, 2)
            row.state = "idle"
        with db.reading() as s:
            assert s.get(KioskStatusRow, "K01").state == "idle"
    finally:
        db.close()
    assert "handoff_id" not in _columns(url)

    engine = make_engine(url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "kiosk_status@0002")
    engine.dispose()
    assert "handoff_id" in _columns(url)
