"""Inventory tables: stock moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class StockMoveRow(Base):
    """Receiving (入荷), stock counts (棚卸) and shrinkage (在庫ロス). Sales are sale lines."""

    __tablename__ = "bo_stock_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # receive | count | shrink
    quantity: Mapped[int] = mapped_column(Integer)  # signed change of on_hand
    unit_cost: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
