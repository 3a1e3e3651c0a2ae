"""Rows an ingest batch writes, collected per table and written with one statement each.

The ORM's unit of work cost most of an ingest (building objects, then flushing them as long
multi-row INSERTs that psycopg parsed again on every execute). Validated documents are
mapped straight to plain row dicts instead; :meth:`RowBuffer.flush` writes each table with
one statement: ``COPY … FROM STDIN`` on PostgreSQL (no statement to parse or plan per row;
about twice the rate of ``executemany`` there), one Core ``executemany`` of a compiled,
cached INSERT elsewhere (sqlite3 loops over it in C); and the stock with one
``executemany`` UPDATE. Rows carry every column but the serial ``id``, so COPY needs no
column defaults filled in.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import JSON, Engine, Table, bindparam, column, insert, select, text, update
from sqlalchemy import table as core_table
from sqlalchemy.orm import Session

from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.sales.models import SaleLineRow, SalePaymentRow, SaleRow

SALES: Table = SaleRow.__table__  # type: ignore[assignment]
SALE_LINES: Table = SaleLineRow.__table__  # type: ignore[assignment]
SALE_PAYMENTS: Table = SalePaymentRow.__table__  # type: ignore[assignment]
PRODUCTS: Table = ProductRow.__table__  # type: ignore[assignment]

# PostgreSQL partitions the sales by month (migration 0003_sales_partitions): a lookup by
# sale id alone would probe every month's index, so it reads the global keys table instead.
SALE_KEYS = core_table("bo_sale_keys", column("sale_id"))

# Insert order: a table a later one could reference first (none has a foreign key today).
TABLE_ORDER: tuple[Table, ...] = (SALES, SALE_LINES, SALE_PAYMENTS)

# Below this many rows COPY's set-up costs more than the INSERT it replaces.
COPY_FROM_ROWS = 8

_TAKE_STOCK = (
    update(PRODUCTS)
    .where(PRODUCTS.c.sku == bindparam("b_sku"))
    .values(on_hand=PRODUCTS.c.on_hand - bindparam("b_quantity"))
)


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
            if len(rows) >= COPY_FROM_ROWS and session.get_bind().dialect.name == "postgresql":
                copy_rows(session, table, rows)
            else:
                session.execute(insert(table), rows)
        if self.stock:
            # sorted: two batches touching the same products lock them in one order
            session.execute(
                _TAKE_STOCK,
                [{"b_sku": sku, "b_quantity": q} for sku, q in sorted(self.stock.items())],
            )
            self.stock.clear()


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
        query = select(SALE_KEYS.c.sale_id).where(SALE_KEYS.c.sale_id.in_(sale_ids))
    else:
        query = select(SALES.c.sale_id).where(SALES.c.sale_id.in_(sale_ids))
    return set(session.scalars(query))


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
