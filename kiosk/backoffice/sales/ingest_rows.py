"""Rows an ingest batch writes, collected per table and written with one statement each.

The ORM's unit of work cost most of an ingest (building objects, then flushing them as long
multi-row INSERTs that psycopg parsed again on every execute). Validated documents are
mapped straight to plain row dicts instead; :meth:`RowBuffer.flush` writes each table with
one statement: ``COPY … FROM STDIN`` on PostgreSQL (no statement to parse or plan per row;
about twice the rate of ``executemany`` there); otherwise (SQLite, or a PostgreSQL table
with only a few rows) one ``executemany`` of an INSERT compiled once per table and dialect
(:class:`Prepared`), the rows handed to the driver with the columns' bind processors applied
(what Core does per row, without its per-row parameter building: a third of the CPU of a
request of 10 sales), and the driver loops over them (sqlite3 in C, psycopg in one
pipeline); the stock likewise with one ``executemany`` UPDATE (on PostgreSQL the stock takes
are appended to ``bo_stock_pending`` instead: :mod:`~kiosk.backoffice.inventory.pending_stock`).
Rows carry every column but the serial ``id``, so COPY needs no column defaults filled in.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    JSON,
    Engine,
    String,
    Table,
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

from kiosk.backoffice.core.core_reads import read_connection
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


class EncodedJson:
    """A JSON column's value with its JSON text, encoded already (by the door's size check,
    :func:`kiosk.backoffice.sales.schemas.payload_text`), stored as ``text`` as it is
    (``COPY`` writes it; an INSERT binds it, :func:`_json_processor`)."""

    __slots__ = ("text", "value")

    def __init__(self, value: Any, text: str) -> None:
        self.value, self.text = value, text


def storable_json(text: str) -> str | None:
    """``text`` when the database can take it as it is; None when not (a lone surrogate:
    ``"\\ud800"`` in a request parses to one, which UTF-8 cannot encode; the document is
    then encoded anew, escaped, as before the door's text was reused)."""
    if text.isascii():
        return text
    try:
        text.encode()
    except UnicodeEncodeError:
        return None
    return text


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
            if dialect.name == "postgresql" and len(rows) >= COPY_FROM_ROWS:
                copy_rows(session, table, rows)
            else:
                Prepared.insert(table, tuple(rows[0]), dialect).execute(session, rows)
        if self.stock:
            dialect = session.get_bind().dialect
            if pending_stock.deferred(session):  # PostgreSQL: appended, no product row locked
                pending = [{"sku": sku, "quantity": q} for sku, q in sorted(self.stock.items())]
                Prepared.insert(pending_stock.PENDING, ("sku", "quantity"), dialect).execute(
                    session, pending
                )
            else:  # sorted: two batches touching the same products lock them in one order
                stock = [{"b_sku": sku, "b_quantity": q} for sku, q in sorted(self.stock.items())]
                Prepared.of(pending_stock.TAKE_STOCK, dialect).execute(session, stock)
            self.stock.clear()


class Prepared:
    """A statement compiled once for a dialect: rows (dicts) go to the driver each value
    through its column's bind processor (as Core would do it, e.g. a datetime to SQLite's
    text, a dict to psycopg's JSON), in one ``executemany``; as tuples for a positional
    paramstyle (sqlite3), as dicts for a named one (psycopg)."""

    def __init__(self, statement: Executable, dialect: Dialect, names: Sequence[str] = ()) -> None:
        # for_executemany: no RETURNING of the serial id (PostgreSQL), nobody reads it
        compiled = statement.compile(
            dialect=dialect, column_keys=list(names) or None, for_executemany=True
        )
        self._positional = compiled.positional
        order = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
        self._names = order
        self.sql = compiled.string
        self._values = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
        self._processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(order):
            kind = compiled.binds[name].type
            processor = kind.dialect_impl(dialect).bind_processor(dialect)
            if isinstance(kind, JSON):
                processor = _json_processor(processor, dialect)
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

    def parameters(self, row: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        if not self._processors:
            return self._values(row) if self._positional else row
        converted = list(self._values(row))
        for i, processor in self._processors:
            converted[i] = processor(converted[i])
        return (
            tuple(converted) if self._positional else dict(zip(self._names, converted, strict=True))
        )

    def execute(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Every row with this statement, in the session's transaction (one executemany)."""
        session.connection().exec_driver_sql(self.sql, [self.parameters(r) for r in rows])

    def execute_one(self, session: Session, row: dict[str, Any]) -> None:
        """The statement once, with ``row``'s values (one execute, not an executemany)."""
        session.connection().exec_driver_sql(self.sql, self.parameters(row))


def _json_processor(
    processor: Callable[[Any], Any] | None, dialect: Dialect
) -> Callable[[Any], Any]:
    """A JSON column's bind processor taking :class:`EncodedJson` too, whose text goes to the
    database as it is: SQLite's JSON column is text; psycopg sends its JSON wrapper's text
    with the wrapper's ``dumps`` (here the text itself). Any other driver: the value,
    encoded by ``processor`` as a dict would be."""
    if dialect.name == "sqlite":

        def encoded(value: EncodedJson) -> Any:
            return value.text

    elif dialect.driver == "psycopg" and processor is not None:

        def encoded(value: EncodedJson) -> Any:
            bound = processor(value.text)  # psycopg's Json (Jsonb) around the text …
            bound.dumps = _itself  # … sent as it is, not encoded as a JSON string
            return bound

    else:

        def encoded(value: EncodedJson) -> Any:
            return value.value if processor is None else processor(value.value)

    def process(value: Any) -> Any:
        if type(value) is EncodedJson:
            return encoded(value)
        return value if processor is None else processor(value)

    return process


def _itself(text: str) -> str:
    return text


# per dialect (an engine's), so a disposed engine's statements go with it
_PREPARED: WeakKeyDictionary[Dialect, dict[tuple[Any, ...], Prepared]] = WeakKeyDictionary()


def copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """``COPY table FROM STDIN`` on the session's own connection (so in its transaction)."""
    names = tuple(rows[0])
    sql, values, json_at = _copy_plan(table, names)
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(sql) as copy:
        write = copy.write_row
        if not json_at:
            for row in rows:
                write(values(row))
            return
        for row in rows:
            fields = list(values(row))
            for i in json_at:
                value = fields[i]
                fields[i] = value.text if type(value) is EncodedJson else _to_json(value)
            write(fields)


# json.dumps' own text, without its cycle check (a document parsed from JSON has no cycles):
# the sale document's encoding is the largest part of a COPY row, and the check 14 % of it
_to_json = json.JSONEncoder(check_circular=False).encode


@cache
def _copy_plan(
    table: Table, names: tuple[str, ...]
) -> tuple[str, Callable[[dict[str, Any]], Sequence[Any]], tuple[int, ...]]:
    """The COPY statement for ``names`` of ``table``, a row's values in that order (taken in
    C rather than a comprehension per field) and where its JSON columns are."""
    columns = ", ".join(f'"{n}"' for n in names)
    values = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    json_at = tuple(i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON))
    return f'COPY "{table.name}" ({columns}) FROM STDIN', values, json_at


def stored_sale_ids(session: Session, sale_ids: list[str]) -> set[str]:
    """Which of ``sale_ids`` are stored already (one indexed lookup per id)."""
    if not sale_ids:
        return set()
    if _has_sale_keys(session):
        return set(session.scalars(_STORED_KEYS, {"ids": sale_ids}))
    return set(read_connection(session).execute(_STORED_SALES, {"ids": sale_ids}).scalars())


# SQLite and unpartitioned PostgreSQL: built once, run on the connection (core_reads)
_STORED_SALES = select(SALES.c.sale_id).where(SALES.c.sale_id.in_(bindparam("ids", expanding=True)))


# One array parameter: the SQL text stays the same whatever the batch's size, so psycopg
# converts it once (an IN list of 100 parameters was parsed on every batch). One index probe
# per id, whatever the planner thinks of the table: ``sale_id = ANY(:ids)`` ran as a
# sequential scan of bo_sale_keys while the table was young and not yet analysed (2.8 ms of
# server CPU a batch of 100 on average while it grew to 10,000 keys, two thirds of the
# ingest's server CPU, and growing with the table). LIMIT 1 (the key is unique) keeps the
# lateral probe from being flattened into a join the planner could hash instead.
_STORED_KEYS = text(
    "SELECT k.sale_id FROM unnest(:ids) AS i(id) CROSS JOIN LATERAL"
    " (SELECT sale_id FROM bo_sale_keys WHERE sale_id = i.id LIMIT 1) AS k"
).bindparams(bindparam("ids", type_=ARRAY(String)))


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
