"""A SQLite engine set up for a till: durable, foreign keys on, and real transactions.

Python 3.11's sqlite3 module opens transactions lazily and commits before DDL, which breaks
SQLAlchemy's transaction boundaries; the documented workaround is to switch the driver's
own handling off on connect and emit ``BEGIN`` ourselves. We use ``BEGIN IMMEDIATE`` so a
writer takes the lock up front instead of failing to upgrade it half-way through a sale; a
connection marked :data:`SNAPSHOT_READ` only reads and begins deferred.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000
#: execution option of a connection that only reads: its transaction is a WAL snapshot that
#: takes no write lock (a long read under BEGIN IMMEDIATE held every writer up to busy_timeout)
SNAPSHOT_READ = "kiosk_snapshot_read"

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def sqlite_engine(path: Path | str) -> Engine:
    """An engine on the database file at ``path`` with the till's pragmas on every connection."""
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module doc)
        cursor = dbapi_connection.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get(SNAPSHOT_READ):
            connection.exec_driver_sql("BEGIN DEFERRED")  # a reader: never the write lock
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def pragma_values(engine: Engine) -> dict[str, object]:
    """The pragmas as a connection sees them (for ``kiosk doctor`` and the tests)."""
    with engine.connect() as connection:
        return {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
