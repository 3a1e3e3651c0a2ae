"""The back office's database: an engine for SQLite (default) or PostgreSQL, and migrations.

SQLite gets the same treatment as the kiosk's store (WAL, ``BEGIN IMMEDIATE`` so writers
never fail to upgrade a lock), and its writers take turns in a short in-process queue
(:mod:`kiosk.backoffice.core.writer_queue`) rather than sleeping in SQLite's busy handler;
with ``group_commit`` kiosk batches waiting at the same time are committed together
(:mod:`kiosk.backoffice.core.group_commit`). PostgreSQL uses READ COMMITTED and row locks
(``SELECT … FOR UPDATE`` on the kiosk row) to keep one kiosk's batches in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from kiosk.backoffice.core.group_commit import GroupCommit
from kiosk.backoffice.core.writer_queue import WriterQueue
from kiosk.private_files import private_dir, private_sqlite
from kiosk.store.migrate import upgrade_to_heads

MIGRATIONS = Path(__file__).parent.parent / "migrations"
DEFAULT_URL = "sqlite:///var/backoffice.sqlite3"
T = TypeVar("T")


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached: check DATABASE_URL and that the server runs."""


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_dir(Path(parsed.database).parent)
        engine = create_engine(parsed, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # FULL: a sale the kiosk was told is stored survives a power cut too (with
            # NORMAL the last commits can vanish, and a kiosk that sells nothing more
            # would never learn it must resend them).
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=FULL",
                "PRAGMA foreign_keys=ON",
                "PRAGMA busy_timeout=10000",
            ):
                cursor.execute(pragma)
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # At most 30 a worker, all kept once opened: with 20 kept and 10 overflow, a worker serving
    # 20–32 kiosk batches at once closed an overflow connection at every check-in beyond 20 and
    # opened another the next moment (~100 backends forked per 10,000 sales in
    # bench/load_kiosks.py, each warming its caches and re-preparing statements): 0.72x the
    # worker CPU a sale without the churn, same cap. Mind max_connections (100 by default)
    # when running more than three workers.
    return create_engine(parsed, pool_pre_ping=True, pool_size=30, max_overflow=0)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def alembic_config(engine: Engine, plugin_versions: Sequence[Path] | None = None) -> Config:
    """``plugin_versions``: the version folders plugins add (``kiosk_backoffice_migrations``);
    by default the built-in plugins' folders."""
    if plugin_versions is None:
        plugin_versions = builtin_plugin_versions()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.set_main_option("path_separator", "os")
    folders = [MIGRATIONS / "versions", *plugin_versions]
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders))
    return config


def builtin_plugin_versions() -> tuple[Path, ...]:
    """The version folders of the back office's built-in plugins (tax-free…)."""
    from kiosk.backoffice.core.extensions import builtin_host, migration_locations

    return migration_locations(builtin_host())


def upgrade(engine: Engine, plugin_versions: Sequence[Path] | None = None) -> None:
    """Bring the schema to the newest revision of every branch (idempotent).

    Features that own tables (customers, loyalty sync, tax-free) each branch from the core
    schema, as the kiosk store's plugins do, hence ``heads``. ``plugin_versions`` defaults to
    the built-in plugins' folders.
    """
    upgrade_to_heads(engine, alembic_config(engine, plugin_versions), "bo_alembic_version")


class Database:
    """An engine and its session factory; ``transaction()`` is one unit of work."""

    def __init__(
        self,
        url: str,
        *,
        migrate: bool = True,
        plugin_versions: Sequence[Path] | None = None,
        group_commit: bool = False,
    ) -> None:
        self.url = url
        self.engine = make_engine(url)
        if migrate:
            upgrade(self.engine, plugin_versions)
        database = make_url(url).database
        if make_url(url).get_backend_name() == "sqlite" and database and database != ":memory:":
            with self.engine.connect():  # the file, -wal and -shm exist once connected
                private_sqlite(database)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        #: SQLite only: one writer at a time, first come first served (None on PostgreSQL,
        #: whose row locks order one kiosk's batches and let other kiosks' run side by side)
        self.writers = WriterQueue() if self.engine.dialect.name == "sqlite" else None
        #: SQLite with ``group_commit`` only: kiosk batches waiting at the same time share one
        #: transaction. Off by default: measured slower than one transaction each on a
        #: commit without fsync (docs/backoffice.md, "SQLite: one small store")
        self.groups = (
            GroupCommit(self._sessions.begin, self.writers)
            if group_commit and self.writers is not None
            else None
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        if self.writers is None:
            with self._sessions.begin() as session:
                yield session
            return
        with self.writers.turn(), self._sessions.begin() as session:
            yield session

    def grouped(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in a write transaction; its answer once committed.

        With group commit (SQLite, ``group_commit=True``) the transaction is shared with the
        other batches waiting for the writer then, ``work`` in a savepoint of its own
        (:mod:`~kiosk.backoffice.core.group_commit`): an exception it raises is raised here and
        undoes only its own writes. Otherwise (and on PostgreSQL, whose writers run side by
        side) it is one transaction of its own, behind the writer queue on SQLite."""
        if self.groups is None:
            with self.transaction() as session:
                return work(session)
        return self.groups.run(work)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
