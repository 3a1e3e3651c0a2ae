"""Sales' stock takes on PostgreSQL: appended at ingest, settled into ``on_hand`` later.

Every ingest batch takes stock of the products it sold. As one ``UPDATE bo_products`` in the
ingest transaction, that locked the product rows until the batch committed; the popular
products are in nearly every batch, so all kiosks' batches (and every worker's) queued on
those few rows: 63–84 % of the database's busy samples were waits for another transaction
(``bench/load_kiosks.py``, 500 kiosks), and adding workers only lengthened the queue.

Now the batch appends its takes to ``bo_stock_pending`` (an INSERT locks nothing another
batch needs), in the same transaction as the sale, so a stored sale always has its take. A
settle moves the pending takes into ``bo_products.on_hand``: every process's settler thread
does so about once a second, and every reader of ``on_hand`` settles first (in its own
transaction; in a read-only session the settle is rolled back with it, after being seen).
Settles take an advisory lock so two never update the same products in different orders.

SQLite (one writer at a time, nothing to queue behind) keeps the direct ``UPDATE``.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, delete, text, update
from sqlalchemy.orm import Session

from kiosk.backoffice.masterdata.models import ProductRow

log = logging.getLogger(__name__)

PENDING = Table(
    "bo_stock_pending",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
)
PRODUCTS: Table = ProductRow.__table__  # type: ignore[assignment]
SETTLE_EVERY_S = 1.0
_SETTLE_LOCK = 7_460_118  # PostgreSQL advisory lock id: one settle at a time

TAKE_STOCK = (
    update(PRODUCTS)
    .where(PRODUCTS.c.sku == bindparam("b_sku"))
    .values(on_hand=PRODUCTS.c.on_hand - bindparam("b_quantity"))
)


def deferred(session: Session) -> bool:
    """Whether stock takes wait in ``bo_stock_pending`` (PostgreSQL) or update at once."""
    return session.get_bind().dialect.name == "postgresql"


def settle(session: Session, *, wait: bool = True) -> int:
    """Move the pending takes into ``on_hand`` in ``session``'s transaction; answers how
    many pending rows it moved. ``wait=False``: give up at once if another settle runs."""
    if not deferred(session):
        return 0
    lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    if session.scalar(text(f"SELECT {lock}(:k)"), {"k": _SETTLE_LOCK}) is False:
        return 0
    moved = session.execute(delete(PENDING).returning(PENDING.c.sku, PENDING.c.quantity)).all()
    taken: Counter[str] = Counter()
    for sku, quantity in moved:
        taken[sku] += quantity
    if taken:  # sorted: the rows lock in one order, as the ingest's own UPDATE did
        rows = [{"b_sku": sku, "b_quantity": q} for sku, q in sorted(taken.items())]
        session.execute(TAKE_STOCK, rows)
        session.expire_all()  # products read earlier in this session show the new stock
    return len(moved)


class Settler:
    """A thread settling every ``every_s`` seconds (PostgreSQL), so pending takes stay few."""

    def __init__(self, transaction: Callable[[], Any], every_s: float = SETTLE_EVERY_S) -> None:
        self.transaction, self.every_s = transaction, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stock-settler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.every_s * 5)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                with self.transaction() as session:
                    settle(session, wait=False)
            except Exception as exc:  # the takes stay pending; the next round tries again
                log.warning("could not settle pending stock: %s", exc)


def lifespan(
    database: Any, inner: Callable[[Any], AbstractAsyncContextManager[None]] | None = None
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The app's lifespan: a settler on PostgreSQL (nothing on SQLite), around ``inner``."""

    @asynccontextmanager
    async def run(app: Any) -> AsyncIterator[None]:
        settler = None
        if database.engine.dialect.name == "postgresql":
            settler = Settler(database.transaction)
            settler.start()
        try:
            if inner is None:
                yield
            else:
                async with inner(app):
                    yield
        finally:
            if settler is not None:
                settler.stop()

    return run
