"""The kiosk's local store: catalogue, sales, payments, outbox and journal on one SQLite file.

The one rule that matters most lives in :meth:`LocalStore.commit_sale`: a sale, its lines,
its payments' final state, its outbox row and its journal entry commit in one transaction,
and only after that returns may the shopper be told "paid".
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Text, func, select, type_coerce, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.product import Product, TaxCategory
from kiosk.domain.sale import Sale
from kiosk.private_files import private_dir, private_sqlite
from kiosk.store import identity, journal
from kiosk.store.engine import SNAPSHOT_READ, sqlite_engine
from kiosk.store.migrate import upgrade
from kiosk.store.models import (
    ConfigRow,
    OutboxRow,
    PaymentRow,
    ProductRow,
    SaleLineRow,
    SaleRow,
    SuspendedBasketRow,
)

# Products read per round trip when loading the catalogue.
LOAD_CHUNK = 2000


class DuplicateSale(RuntimeError):
    """This sale id is already committed: the caller must not commit it again."""


class LocalStore:
    def __init__(self, path: Path | str, plugin_versions: Sequence[Path] = ()) -> None:
        """``plugin_versions``: the plugins' migration folders (``kiosk_store_migrations``)."""
        self.path = Path(path)
        private_dir(self.path.parent)  # the data directory: 0700 (kiosk.private_files)
        self.engine = sqlite_engine(self.path)
        upgrade(self.engine, plugin_versions)
        private_sqlite(self.path)  # older installs made it 0644; -wal/-shm follow its mode
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # for reads only: a WAL snapshot, no write lock (see kiosk.store.engine.SNAPSHOT_READ)
        self._reads = sessionmaker(
            self.engine.execution_options(**{SNAPSHOT_READ: True}), expire_on_commit=False
        )
        # made with the database; the relay sends it so a replaced database is not a resend
        self.instance_id = identity.open_instance(self)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT); rolled back on any exception."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session on a WAL snapshot: takes no write lock and waits for none
        (:data:`~kiosk.store.engine.SNAPSHOT_READ`); what it flushes is rolled back."""
        with self._reads() as session:
            yield session

    # --- catalogue -----------------------------------------------------------------------

    def replace_catalogue(self, products: Iterable[Product]) -> int:
        """Swap the whole catalogue atomically (never half a catalogue)."""
        rows = [product_row(p) for p in products]
        with self.transaction() as session:
            session.query(ProductRow).delete()
            session.add_all(rows)
        return len(rows)

    def upsert_products(self, products: Iterable[Product]) -> int:
        rows = [product_row(p) for p in products]
        with self.transaction() as session:
            for row in rows:
                session.merge(row)
        return len(rows)

    def load_catalogue(self, **kwargs: Any) -> Catalogue:
        """The catalogue as stored, read as plain rows in chunks (no ORM objects: a 100k-item
        catalogue made 100k of them, and the garbage collector's passes over them paused
        every other thread of the kiosk)."""
        catalogue = Catalogue(**kwargs)
        # a snapshot, not BEGIN IMMEDIATE: the seconds a 100k load takes must not hold a sale's
        # commit (or any other write) waiting for the lock
        with self._reads() as session:
            rows = session.execute(
                select(ProductRow.__table__).execution_options(yield_per=LOAD_CHUNK)
            )
            for n, row in enumerate(rows, 1):
                catalogue.add(_product(row))
                if n % LOAD_CHUNK == 0:
                    time.sleep(0)  # let a scan on another thread in between chunks
        return catalogue

    # --- sales ---------------------------------------------------------------------------

    def commit_sale(self, sale: Sale) -> None:
        """Commit the sale with its lines, payments, outbox row and journal entry, atomically.

        Raises :class:`DuplicateSale` if the sale id is already committed (a retry after a
        crash): the sale is then already safe and must not be written twice.
        """
        document = sale.to_document()
        with self.transaction() as session:
            if session.get(SaleRow, sale.sale_id) is not None:
                raise DuplicateSale(sale.sale_id)
            session.add(
                SaleRow(
                    sale_id=sale.sale_id,
                    kiosk_id=sale.kiosk_id,
                    receipt_no=sale.receipt_no,
                    started_at=sale.started_at,
                    completed_at=sale.completed_at,
                    total=sale.total,
                    tax_total=sale.totals.tax_total,
                    change=sale.change,
                    language=sale.language,
                    staff_id=sale.staff_id,
                    member_id=sale.member_id,
                    document=document,
                )
            )
            session.add_all(
                SaleLineRow(
                    sale_id=sale.sale_id,
                    line_no=line.line_id,
                    sku=line.product.sku,
                    name=line.product.name_ja,
                    tax=line.tax.value,
                    quantity=line.quantity,
                    weight_g=line.weight_g,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    voided=line.voided,
                )
                for line in sale.lines
            )
            for tender in sale.tenders:
                payment = session.get(PaymentRow, tender.payment_id)
                if payment is not None and payment.state != "approved":
                    raise ValueError(
                        f"payment {tender.payment_id} is {payment.state}, not approved"
                    )
            session.add(
                OutboxRow(
                    event_id=str(uuid.uuid4()),
                    kind="sale",
                    aggregate_id=sale.sale_id,
                    payload=document,
                    created_at=sale.completed_at,
                )
            )
            journal.append(session, "sale", document, at=sale.completed_at)

    def next_receipt_no(self) -> int:
        with self._sessions() as session:
            return (session.scalar(select(func.max(SaleRow.receipt_no))) or 0) + 1

    def sale_exists(self, sale_id: str) -> bool:
        with self._sessions() as session:
            return session.get(SaleRow, sale_id) is not None

    def list_sales(self, limit: int = 50) -> list[SaleRow]:
        with self._sessions() as session:
            query = select(SaleRow).order_by(SaleRow.receipt_no.desc()).limit(limit)
            return list(session.scalars(query))

    def sale_count(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(SaleRow)) or 0

    # --- journal, outbox, config ---------------------------------------------------------

    def journal_event(self, kind: str, payload: dict[str, Any], at: datetime) -> None:
        """Record a non-sale event (staff approval, void, suspend, device fault)."""
        with self.transaction() as session:
            journal.append(session, kind, payload, at=at)

    def verify_journal(self) -> journal.JournalCheck:
        with self._sessions() as session:
            return journal.verify(session)

    def unsent_outbox(self, limit: int = 100) -> list[Row]:
        """The oldest unsent outbox rows, as plain read-only rows (the columns of
        :class:`OutboxRow` as attributes): ORM objects were half the relay's read of a batch."""
        table = OutboxRow.__table__
        query = select(table).where(table.c.sent_at.is_(None)).order_by(table.c.seq).limit(limit)
        with self._reads() as session:
            return list(session.execute(query))

    def unsent_outbox_wire(self, limit: int = 100) -> list[Row]:
        """The oldest unsent outbox rows as the relay sends them, in this column order:
        ``seq, event_id, kind, aggregate_id, created_at, parked_at, parked_reason,
        payload_json`` -- the payload as the JSON text stored, not decoded (the relay sends
        it as it is: decoding it here and encoding it again was a tenth of a drain's CPU)."""
        c = OutboxRow.__table__.c
        query = (
            select(
                c.seq,
                c.event_id,
                c.kind,
                c.aggregate_id,
                c.created_at,
                c.parked_at,
                c.parked_reason,
                type_coerce(c.payload, Text).label("payload_json"),
            )
            .where(c.sent_at.is_(None))
            .order_by(c.seq)
            .limit(limit)
        )
        with self._reads() as session:
            return list(session.execute(query))

    def unsent_backlog(self) -> tuple[int, datetime | None]:
        """How many outbox rows are unsent, and when the oldest was made (a plain read)."""
        with self._reads() as session:
            count, oldest = session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(
                    OutboxRow.sent_at.is_(None)
                )
            ).one()
        return int(count), oldest

    def mark_sent(self, seqs: Iterable[int], at: datetime) -> None:
        seqs = list(seqs)
        if not seqs:
            return
        # One UPDATE for the batch (was a get + UPDATE per row, half the relay's drain time),
        # committed without its own fsync (WAL, synchronous=NORMAL for this commit only): a
        # sent mark lost to a power cut only makes the relay send the batch again, which the
        # back office acknowledges as duplicates. The next sale's FULL commit syncs it anyway.
        seqs.sort()
        if seqs[-1] - seqs[0] == len(seqs) - 1 == len(set(seqs)) - 1:  # one run, as a batch is
            chosen = OutboxRow.seq.between(seqs[0], seqs[-1])  # 2 parameters, not one per row
        else:
            chosen = OutboxRow.seq.in_(seqs)
        query = update(OutboxRow).where(chosen, OutboxRow.sent_at.is_(None)).values(sent_at=at)
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA synchronous=NORMAL")  # outside BEGIN (no autocommit driver)
            try:
                with conn.begin():
                    conn.execute(query)
            finally:
                try:
                    raw.execute("PRAGMA synchronous=FULL")
                except Exception:
                    conn.invalidate()  # never hand a NORMAL connection back to the pool
                    raise

    def get_config(self, key: str, default: Any = None) -> Any:
        with self._sessions() as session:
            row = session.get(ConfigRow, key)
            return row.value["value"] if row else default

    def set_config(self, key: str, value: Any) -> None:
        with self.transaction() as session:
            session.merge(ConfigRow(key=key, value={"value": value}))

    def save_suspended(self, reason: str, document: dict[str, Any], at: datetime) -> int:
        with self.transaction() as session:
            row = SuspendedBasketRow(at=at, reason=reason, document=document)
            session.add(row)
            session.flush()
            journal.append(session, "suspend", {"id": row.id, "reason": reason}, at=at)
            return row.id


def product_row(p: Product) -> ProductRow:
    return ProductRow(
        sku=p.sku,
        gtin=p.gtin,
        plu=p.plu,
        name_ja=p.name_ja,
        name_en=p.name_en,
        names=dict(p.names),
        price=p.price,
        tax=p.tax.value,
        price_includes_tax=p.price_includes_tax,
        department=p.department,
        age_restricted=p.age_restricted,
        weighed=p.weighed,
    )


def _product(row: ProductRow) -> Product:
    return Product(
        sku=row.sku,
        gtin=row.gtin,
        plu=row.plu,
        name_ja=row.name_ja,
        name_en=row.name_en,
        names=dict(row.names or {}),
        price=row.price,
        tax=TaxCategory(row.tax),
        price_includes_tax=row.price_includes_tax,
        department=row.department,
        age_restricted=row.age_restricted,
        weighed=row.weighed,
    )
