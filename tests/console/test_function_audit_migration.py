"""Migration 0002 chains the audit rows written before it, so verification starts clean."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import text

from kiosk.backoffice.audit import service as audit
from kiosk.backoffice.core.db import Database, alembic_config, make_engine


def test_function_rows_from_before_0002_are_chained(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as c:
        for n, action in enumerate(("kiosk.enrol", "staff.login_failed", "staff.add")):
            c.execute(
                text(
                    "INSERT INTO bo_audit (at, actor, action, target, detail, note) VALUES (:at, 'cli', :a, 'K01', '{\"n\": ' || :n || '}', '')"
                ),
                {"at": datetime(2026, 11, 1, 9, n), "a": action, "n": n},
            )
    engine.dispose()
    db = Database(url)  # upgrades to head
    try:
        with db.transaction() as s:
            audit.record(s, datetime(2026, 11, 2), "admin", "staff.add", "x")
        with db.reading() as s:
            check = audit.verify(s)
            results = [r.result for r in reversed(audit.recent(s))]
        assert check.ok and check.rows == 4
        assert results == ["success", "failure", "success", "success"]
    finally:
        db.close()
