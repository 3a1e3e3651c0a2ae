"""Master-data tables: products, published versions and store settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.core.models import Base


class ProductRow(Base):
    """The master catalogue the back office publishes, plus cost and stock settings."""

    __tablename__ = "bo_products"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    gtin: Mapped[str | None] = mapped_column(String(13))
    plu: Mapped[str | None] = mapped_column(String(16))
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    price: Mapped[int] = mapped_column(Integer)
    cost: Mapped[int] = mapped_column(Integer, default=0)  # 原価, per unit
    tax: Mapped[str] = mapped_column(String(16), default="standard")
    price_includes_tax: Mapped[bool] = mapped_column(Boolean, default=True)
    department: Mapped[str] = mapped_column(String(64), default="general")
    age_restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    weighed: Mapped[bool] = mapped_column(Boolean, default=False)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)  # 在庫数
    reorder_point: Mapped[int] = mapped_column(Integer, default=0)  # 発注点
    reorder_qty: Mapped[int] = mapped_column(Integer, default=0)  # 発注単位


class MasterVersionRow(Base):
    """A published master-data snapshot; kiosks apply one version whole or not at all."""

    __tablename__ = "bo_master_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    checksum: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[dict] = mapped_column(JSON)


class SettingRow(Base):
    """Store settings edited in the back office (JSON values): kiosk configuration, the
    business day and the plugins' master-data sections (promotions, coupons…)."""

    __tablename__ = "bo_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
