"""The hand-off tables moved from core revision 0002 to the plugin's branch "handoff": a
database migrated before (bo_handoffs made by 0002, with rows) keeps its table and rows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, select, text

from kiosk.backoffice.core.db import Database, alembic_config, make_engine
from plugins.handoff.backoffice.models import HandOffRow

# frozen copy of what revision 0002 created before the plugin took the table over
OLD_0002_HANDOFFS = sa.Table(
    "bo_handoffs",
    sa.MetaData(),
    sa.Column("handoff_id", sa.String(32), primary_key=True),
    sa.Column("station_id", sa.String(32), nullable=False),
    sa.Column("staff_id", sa.String(32), nullable=False),
    sa.Column("kiosk_id", sa.String(32), nullable=True),
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("total", sa.Integer(), nullable=False),
    sa.Column("items", sa.Integer(), nullable=False),
    sa.Column("code", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("expires_at", sa.DateTime(), nullable=False),
    sa.Column("claimed_at", sa.DateTime(), nullable=True),
    sa.Column("paid_at", sa.DateTime(), nullable=True),
    sa.Column("sale_id", sa.String(36), nullable=True),
    sa.Index("ix_bo_handoffs_state", "state"),
)
AT = datetime(2026, 11, 20, 9, 0)


def _versions(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return set(c.scalars(text("SELECT version_num FROM bo_alembic_version")))
    finally:
        engine.dispose()


def test_a_database_from_before_the_move_keeps_its_hand_offs(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    config = alembic_config(engine, plugin_versions=())  # the core alone, as at the old 0002
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        OLD_0002_HANDOFFS.create(connection)
        connection.execute(
            OLD_0002_HANDOFFS.insert().values(
                handoff_id="H-OLD", station_id="ST1", staff_id="S001", kiosk_id="K02",
                state="assigned", total=378, items=2, code="c", created_at=AT,
                expires_at=AT.replace(hour=10),
            )
        )  # fmt: skip
    engine.dispose()
    assert "0003_handoff" not in _versions(url)

    db = Database(url)  # upgrades every branch to its head, the plugin's too
    try:
        assert "0003_handoff" in _versions(url)
        with db.reading() as s:
            row = s.get(HandOffRow, "H-OLD")
            assert (row.state, row.total, row.kiosk_id) == ("assigned", 378, "K02")
        with db.transaction() as s:  # and the plugin writes to it as before
            s.add(
                HandOffRow(
                    handoff_id="H-NEW", station_id="ST1", staff_id="S001", state="waiting",
                    total=100, items=1, code="c", created_at=AT, expires_at=AT,
                )
            )  # fmt: skip
        with db.reading() as s:
            assert set(s.scalars(select(HandOffRow.handoff_id))) == {"H-OLD", "H-NEW"}
        tables = set(inspect(db.engine).get_table_names())
        assert {"bo_handoffs", "bo_handoff_kiosks"} <= tables
    finally:
        db.close()


def test_a_new_database_gets_the_tables_from_the_plugin_branch(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    engine = make_engine(url)
    config = alembic_config(engine, plugin_versions=())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")  # the core alone: no hand-off table any more
    assert "bo_handoffs" not in inspect(engine).get_table_names()
    engine.dispose()

    db = Database(url)
    try:
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("bo_handoffs")}
        assert "ix_bo_handoffs_state" in indexes
        assert "bo_handoff_kiosks" in inspect(db.engine).get_table_names()
    finally:
        db.close()
