"""A plugin's unit of work: its own rows, an outbox event and a journal row in ONE transaction.

``runtime.database()``, ``runtime.send_event(…)`` and ``runtime.journal(…)`` are three
transactions: a crash between them loses the outbox row (points booked, never sent) or,
after a retry, doubles it. A :class:`UnitOfWork` is one store transaction instead::

    with runtime.unit_of_work() as uow:
        uow.session.execute(my_table.insert().values(...))   # the plugin's own tables
        uow.send_event("my_kind", payload, idempotency_key=sale_id)
        uow.journal("my_kind_booked", payload)

Everything written in the block commits when it ends, or nothing does (an exception in the
block rolls it all back). Through a plugin's door the unit of work is revocable like the
rest (:mod:`kiosk.plugin_door`): once the plugin is stopped, its next touch raises
``PluginStopped`` and the block rolls back. The store's own tables (sales, payments, the
outbox, the journal) are written only through the named methods here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from contextvars import ContextVar, Token
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kiosk.domain.event_ids import derived_event_id
from kiosk.store import journal
from kiosk.store.models import OutboxRow, SaleRow
from kiosk.store.return_models import ReturnRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.store import LocalStore

_OPEN: ContextVar[UnitOfWork | None] = ContextVar("kiosk_unit_of_work", default=None)


class UnitOfWorkError(RuntimeError):
    """A unit of work used outside its ``with`` block, or opened inside another."""


class UnitOfWork:
    """One store transaction a plugin writes through: ``session`` for its own tables,
    :meth:`send_event` for the outbox, :meth:`journal` for the hash-chained journal; all
    commit together when the ``with`` block ends, or none does."""

    def __init__(self, store: LocalStore, kiosk_id: str, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._kiosk_id = kiosk_id
        self._clock = clock
        self._transaction: AbstractContextManager[Session] | None = None
        self._session: Session | None = None
        self._token: Token[UnitOfWork | None] | None = None

    def __enter__(self) -> UnitOfWork:
        if self._transaction is not None:
            raise UnitOfWorkError("this unit of work is already open")
        if _OPEN.get() is not None:
            # a second store transaction would wait for the write lock the first one holds
            raise UnitOfWorkError("a unit of work is already open here: pass it down instead")
        transaction = self._store.transaction()
        self._session = transaction.__enter__()  # BEGIN IMMEDIATE: may wait for the write lock
        self._transaction = transaction
        self._token = _OPEN.set(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        transaction, self._transaction, self._session = self._transaction, None, None
        if self._token is not None:
            try:
                _OPEN.reset(self._token)
            except ValueError:  # left in another context than it was opened in
                _OPEN.set(None)
            self._token = None
        if transaction is not None:
            transaction.__exit__(*exc)  # commits, or rolls back when the block raised

    @property
    def session(self) -> Session:
        """The transaction's SQLAlchemy session, for the plugin's own tables (the ones its
        ``kiosk_store_migrations`` create). Do not commit or close it: the block does."""
        if self._session is None:
            raise UnitOfWorkError("the unit of work is used outside its with block")
        return self._session

    def send_event(
        self,
        kind: str,
        payload: dict[str, Any],
        idempotency_key: str | None = None,
        *,
        aggregate_id: str = "",
        at: datetime | None = None,
    ) -> str:
        """Add one outbox event of the plugin's ``kind`` (JSON ``payload``) for the back
        office's ``kiosk_backoffice_event_handlers``; sent once the block commits.

        With an ``idempotency_key`` (a sale id, an entry id) the event id is derived from
        ``kind`` and the key, and a second event with the same key — a replay after a crash
        — is not added: the id of the one already there is returned. ``aggregate_id``
        defaults to the kiosk id, ``at`` to the store clock. Returns the event id."""
        session = self.session
        if idempotency_key is None:
            event_id = str(uuid.uuid4())
        else:
            event_id = derived_event_id(kind, idempotency_key)
            known = select(OutboxRow.seq).where(OutboxRow.event_id == event_id)
            if session.execute(known).first() is not None:
                return event_id
        session.add(
            OutboxRow(
                event_id=event_id,
                kind=kind,
                aggregate_id=aggregate_id or self._kiosk_id,
                payload=payload,
                created_at=at if at is not None else self._clock(),
            )
        )
        return event_id

    def journal(self, kind: str, payload: dict[str, Any], at: datetime | None = None) -> None:
        """Append a row to the kiosk's hash-chained journal (``at``: the store clock when
        not given); chained and committed with the rest of the block."""
        journal.append(self.session, kind, payload, at=at if at is not None else self._clock())

    def rewrite_events(
        self,
        kind: str,
        aggregate_id: str,
        rewrite: Callable[[dict[str, Any]], dict[str, Any] | None],
    ) -> int:
        """Replace the payload of this kiosk's outbox events of ``kind`` for
        ``aggregate_id``, sent or not, with ``rewrite(payload)`` (``None``: keep it) — an
        erasure request takes personal data out of the outbox too. Returns how many."""
        rows = self.session.scalars(
            select(OutboxRow).where(OutboxRow.kind == kind, OutboxRow.aggregate_id == aggregate_id)
        )
        changed = 0
        for row in rows:
            new = rewrite(dict(row.payload))
            if new is not None:
                row.payload = new
                changed += 1
        return changed

    # --- the store's documents, read inside the transaction ------------------------------

    def sale_document(self, sale_id: str) -> dict[str, Any] | None:
        """A sale committed on this kiosk (its document), or ``None``."""
        row = self.session.get(SaleRow, sale_id)
        return dict(row.document) if row is not None else None

    def committed_returns(self, original_sale_id: str | None = None) -> list[dict[str, Any]]:
        """The documents of the returns committed on this kiosk (of ``original_sale_id``,
        or all of them), oldest first."""
        query = select(ReturnRow).where(ReturnRow.state == "committed")
        if original_sale_id is not None:
            query = query.where(ReturnRow.original_sale_id == original_sale_id)
        rows = self.session.scalars(query.order_by(ReturnRow.created_at))
        return [dict(row.document) for row in rows]


class Reading:
    """A read of the store for a plugin's own tables: a WAL snapshot that takes no write
    lock, so a look-up (a member's balance at a scan) neither waits for a sale's commit nor
    holds one up. It sees what was committed when its first statement ran — not what an
    open unit of work has written and not yet committed::

        with runtime.reading() as read:
            balance = read.session.scalar(select(points.c.balance)...)
    """

    def __init__(self, store: LocalStore) -> None:
        self._store = store
        self._reading: AbstractContextManager[Session] | None = None
        self._session: Session | None = None

    def __enter__(self) -> Reading:
        if self._reading is not None:
            raise UnitOfWorkError("this reading is already open")
        reading = self._store.reading()
        self._session = reading.__enter__()
        self._reading = reading
        return self

    def __exit__(self, *exc: Any) -> None:
        reading, self._reading, self._session = self._reading, None, None
        if reading is not None:
            reading.__exit__(*exc)

    @property
    def session(self) -> Session:
        """The snapshot's SQLAlchemy session; for reads only (nothing it writes is kept)."""
        if self._session is None:
            raise UnitOfWorkError("the reading is used outside its with block")
        return self._session


#: what a plugin's helper is given to open units of work (``runtime.unit_of_work``)
OpensUnitOfWork = Callable[[], UnitOfWork]
#: what a plugin's helper is given to read (``runtime.reading``)
OpensReading = Callable[[], Reading]
