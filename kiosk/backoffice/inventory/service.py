"""Inventory (在庫): stock falls with every ingested sale; receiving, counts and shrinkage.

``bo_products.on_hand`` is the running stock. Sales decrement it at ingest (weighed items
are not counted in pieces and are left alone); on PostgreSQL their takes wait in
``bo_stock_pending`` until settled (:mod:`.pending_stock`), so every reader here settles first. Receiving (入荷) adds; a stock count (棚卸)
sets it to what was counted and books the difference as shrinkage (在庫ロス) at cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import record
from kiosk.backoffice.core.errors import InvalidInput, NotFound
from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.inventory.models import StockMoveRow
from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.sales.models import SaleLineRow


def _product(session: Session, sku: str) -> ProductRow:
    pending_stock.settle(session)  # a count must compare with every sale's take
    row = session.get(ProductRow, sku)
    if row is None:
        raise NotFound(f"no product {sku!r}")
    return row


def receive(
    session: Session, sku: str, quantity: int, unit_cost: int | None, now: datetime, actor: str
) -> ProductRow:
    if quantity <= 0:
        raise InvalidInput("quantity: receive a positive number")
    row = _product(session, sku)
    if unit_cost is not None:
        if unit_cost < 0:
            raise InvalidInput("unit cost: must not be negative")
        row.cost = unit_cost
    row.on_hand += quantity
    session.add(
        StockMoveRow(
            sku=sku, kind="receive", quantity=quantity, unit_cost=row.cost, at=now, actor=actor
        )
    )
    record(session, now, actor, "stock.receive", sku, {"quantity": quantity, "unit_cost": row.cost})
    return row


def count(
    session: Session, sku: str, counted: int, now: datetime, actor: str, note: str = ""
) -> int:
    """Set stock to the count; returns the shrinkage booked (positive = missing)."""
    if counted < 0:
        raise InvalidInput("counted: must not be negative")
    row = _product(session, sku)
    difference = counted - row.on_hand
    if difference:
        kind = "shrink" if difference < 0 else "count"
        session.add(
            StockMoveRow(
                sku=sku,
                kind=kind,
                quantity=difference,
                unit_cost=row.cost,
                at=now,
                actor=actor,
                note=note,
            )
        )
    record(session, now, actor, "stock.count", sku, {"expected": row.on_hand, "counted": counted})
    row.on_hand = counted
    return -difference


def set_reorder(
    session: Session, sku: str, point: int, qty: int, now: datetime, actor: str
) -> None:
    if point < 0 or qty < 0:
        raise InvalidInput("reorder point and quantity must not be negative")
    row = _product(session, sku)
    record(
        session,
        now,
        actor,
        "stock.reorder",
        sku,
        {"old": [row.reorder_point, row.reorder_qty], "new": [point, qty]},
    )
    row.reorder_point, row.reorder_qty = point, qty


@dataclass(frozen=True)
class ShrinkLine:
    sku: str
    name: str
    quantity: int  # pieces lost
    value: int  # at cost


def shrinkage(session: Session, first: date, last: date) -> list[ShrinkLine]:
    rows = session.execute(
        select(
            StockMoveRow.sku,
            ProductRow.name_ja,
            func.sum(-StockMoveRow.quantity),
            func.sum(-StockMoveRow.quantity * StockMoveRow.unit_cost),
        )
        .join(ProductRow, ProductRow.sku == StockMoveRow.sku)
        .where(
            StockMoveRow.kind == "shrink",
            StockMoveRow.at >= datetime.combine(first, time()),
            StockMoveRow.at < datetime.combine(last + timedelta(days=1), time()),
        )
        .group_by(StockMoveRow.sku, ProductRow.name_ja)
        .order_by(func.sum(-StockMoveRow.quantity * StockMoveRow.unit_cost).desc())
    ).all()
    return [ShrinkLine(s, n, int(q), int(v)) for s, n, q, v in rows]


@dataclass(frozen=True)
class ReorderSuggestion:
    sku: str
    name: str
    on_hand: int
    reorder_point: int
    suggested: int  # enough whole reorder units to get back above the reorder point


def reorder_suggestions(session: Session) -> list[ReorderSuggestion]:
    pending_stock.settle(session)
    rows = session.scalars(
        select(ProductRow)
        .where(ProductRow.reorder_qty > 0, ProductRow.on_hand <= ProductRow.reorder_point)
        .order_by(ProductRow.sku)
    )
    result = []
    for r in rows:
        short = r.reorder_point - r.on_hand + 1
        units = max(1, -(-short // r.reorder_qty))
        result.append(
            ReorderSuggestion(r.sku, r.name_ja, r.on_hand, r.reorder_point, units * r.reorder_qty)
        )
    return result


@dataclass(frozen=True)
class SlowMover:
    sku: str
    name: str
    on_hand: int
    sold: int


def slow_movers(session: Session, today: date, days: int = 30, at_most: int = 0) -> list[SlowMover]:
    """Items in stock that sold ``at_most`` pieces or fewer in the last ``days`` days."""
    pending_stock.settle(session)
    since = today - timedelta(days=days)
    sold = (
        select(SaleLineRow.sku, func.sum(SaleLineRow.quantity).label("sold"))
        .where(SaleLineRow.business_date > since, SaleLineRow.business_date <= today)
        .group_by(SaleLineRow.sku)
        .subquery()
    )
    rows = session.execute(
        select(
            ProductRow.sku, ProductRow.name_ja, ProductRow.on_hand, func.coalesce(sold.c.sold, 0)
        )
        .outerjoin(sold, sold.c.sku == ProductRow.sku)
        .where(ProductRow.on_hand > 0, func.coalesce(sold.c.sold, 0) <= at_most)
        .order_by(ProductRow.on_hand.desc())
    ).all()
    return [SlowMover(s, n, int(h), int(q)) for s, n, h, q in rows]


def stock_list(session: Session) -> list[ProductRow]:
    pending_stock.settle(session)
    return list(session.scalars(select(ProductRow).order_by(ProductRow.sku)))
