"""Rows an ingest batch writes, collected per table and written with one statement each.

The ORM's unit of work cost most of an ingest (building objects, then flushing them as long
multi-row INSERTs that psycopg parsed again on every execute). Validated documents are
mapped straight to plain row dicts instead; :meth:`RowBuffer.flush` writes each table with
one statement: ``COPY … FROM STDIN`` on PostgreSQL (no statement to parse or plan per row;
about twice the rate of ``executemany`` there); elsewhere (SQLite) one ``executemany`` of an
INSERT compiled once per table and dialect (:class:`Prepared`), the rows handed to the
driver as tuples with the columns' bind processors applied (what Core does per row, without
its per-row parameter building: a third of the CPU of a request of 10 sales), and sqlite3
loops over them in C; the stock likewise with one ``executemany`` UPDATE (on PostgreSQL the
stock takes are appended to ``bo_stock_pending`` instead: :mod:`~kiosk.backoffice.inventory.pending_stock`). Rows carry every
column but the serial ``id``, so COPY needs no column defaults filled in.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    JSON,
    Engine,
    String,
    Table,
    any_,
    bindparam,
    column,
    insert,
    select,
    text,
)
from sqlalchemy import table as core_table
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.sales.models import SaleLineRow, SalePaymentRow, SaleRow

SALES: Table = SaleRow.__table__  # type: ignore[assignment]
SALE_LINES: Table = SaleLineRow.__table__  # type: ignore[assignment]
SALE_PAYMENTS: Table = SalePaymentRow.__table__  # type: ignore[assignment]

# PostgreSQL partitions the sales by month (migration 0003_sales_partitions): a lookup by
# sale id alone would probe every month's index, so it reads the global keys table instead.
SALE_KEYS = core_table("bo_sale_keys", column("sale_id"))

# Insert order: a table a later one could reference first (none has a foreign key today).
TABLE_ORDER: tuple[Table, ...] = (SALES, SALE_LINES, SALE_PAYMENTS)

# Below this many rows COPY's set-up costs more than the INSERT it replaces.
COPY_FROM_ROWS = 8


class RowBuffer:
    """Rows waiting to be written in the ingest transaction, and the stock they take."""

    def __init__(self) -> None:
        self.rows: dict[Table, list[dict[str, Any]]] = {}
        self.stock: Counter[str] = Counter()

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)

    def take_stock(self, sku: str, quantity: int) -> None:
        self.stock[sku] += quantity

    def flush(self, session: Session) -> None:
        """Write everything collected so far (before anything reads these tables)."""
        order = [t for t in TABLE_ORDER if t in self.rows]
        order += [t for t in self.rows if t not in TABLE_ORDER]
        for table in order:
            rows = self.rows.pop(table)
            if not rows:
                continue
            dialect = session.get_bind().dialect
            if dialect.name != "postgresql":
                Prepared.insert(table, tuple(rows[0]), dialect).execute(session, rows)
            elif len(rows) >= COPY_FROM_ROWS:
                copy_rows(session, table, rows)
            else:
                session.execute(insert(table), rows)
        if self.stock:
            if pending_stock.deferred(session):  # PostgreSQL: appended, no product row locked
                pending = [{"sku": sku, "quantity": q} for sku, q in sorted(self.stock.items())]
                session.execute(insert(pending_stock.PENDING), pending)
            else:
                stock = [{"b_sku": sku, "b_quantity": q} for sku, q in sorted(self.stock.items())]
                dialect = session.get_bind().dialect
                Prepared.of(pending_stock.TAKE_STOCK, dialect).execute(session, stock)
            self.stock.clear()


class Prepared:
    """A statement compiled once for a dialect with positional parameters: rows (dicts) go
    to the driver as tuples, each value through its column's bind processor (as Core would
    do it, e.g. a datetime to SQLite's text), in one ``executemany``."""

    def __init__(self, statement: Executable, dialect: Dialect, names: Sequence[str] = ()) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(names) or None)
        if not compiled.positional:
            raise ValueError(f"{dialect.name}: prepared statements need a positional paramstyle")
        order = tuple(compiled.positiontup or ())
        self.sql = compiled.string
        self._values = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
        self._processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(order):
            processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._processors.append((i, processor))

    @classmethod
    def insert(cls, table: Table, names: tuple[str, ...], dialect: Dialect) -> Prepared:
        """``INSERT INTO table (names…)``, compiled the first time it is asked for."""
        cache = _PREPARED.setdefault(dialect, {})
        if (prepared := cache.get((table, names))) is None:
            prepared = cache[(table, names)] = cls(insert(table), dialect, names)
        return prepared

    @classmethod
    def of(cls, statement: Executable, dialect: Dialect) -> Prepared:
        """``statement`` (its bind parameters by name), compiled the first time."""
        cache = _PREPARED.setdefault(dialect, {})
        if (prepared := cache.get((statement, ()))) is None:
            prepared = cache[(statement, ())] = cls(statement, dialect)
        return prepared

    def parameters(self, row: dict[str, Any]) -> tuple[Any, ...]:
        values = self._values(row)
        if not self._processors:
            return values
        converted = list(values)
        for i, processor in self._processors:
            converted[i] = processor(converted[i])
        return tuple(converted)

    def execute(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Every row with this statement, in the session's transaction (one executemany)."""
        session.connection().exec_driver_sql(self.sql, [self.parameters(r) for r in rows])


# per dialect (an engine's), so a disposed engine's statements go with it
_PREPARED: WeakKeyDictionary[Dialect, dict[tuple[Any, ...], Prepared]] = WeakKeyDictionary()


def copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """``COPY table FROM STDIN`` on the session's own connection (so in its transaction)."""
    names = list(rows[0])
    json_columns = {n for n in names if isinstance(table.c[n].type, JSON)}
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    columns = ", ".join(f'"{n}"' for n in names)
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_columns else row[n] for n in names])


def stored_sale_ids(session: Session, sale_ids: list[str]) -> set[str]:
    """Which of ``sale_ids`` are stored already (one indexed lookup per id)."""
    if not sale_ids:
        return set()
    if _has_sale_keys(session):
        # one array parameter: the SQL text stays the same whatever the batch's size, so
        # psycopg converts it once (an IN list of 100 parameters was parsed on every batch)
        return set(session.scalars(_STORED_KEYS, {"ids": sale_ids}))
    query = select(SALES.c.sale_id).where(SALES.c.sale_id.in_(sale_ids))
    return set(session.scalars(query))


_STORED_KEYS = select(SALE_KEYS.c.sale_id).where(
    SALE_KEYS.c.sale_id == any_(bindparam("ids", type_=ARRAY(String)))
)


_SALE_KEYS_BY_ENGINE: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def _has_sale_keys(session: Session) -> bool:
    """Whether the database keeps ``bo_sale_keys`` (PostgreSQL, partitioned); asked once."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    known = _SALE_KEYS_BY_ENGINE.get(engine)
    if known is None:
        known = engine.dialect.name == "postgresql" and session.scalar(
            text("SELECT to_regclass('bo_sale_keys') IS NOT NULL")
        )
        _SALE_KEYS_BY_ENGINE[engine] = bool(known)
    return bool(known)
