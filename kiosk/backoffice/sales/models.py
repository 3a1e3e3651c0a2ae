"""Tables of the back office. Money is integer yen; times are naive store-local datetimes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class KioskRow(Base):
    """An enrolled kiosk. ``last_seq`` is the highest outbox seq applied, with no gap before."""

    __tablename__ = "bo_kiosks"

    kiosk_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), default="S01")
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the random secret
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_seen_at: Mapped[datetime | None]
    masterdata_version: Mapped[int] = mapped_column(Integer, default=0)


class SaleRow(Base):
    """A sale as the kiosk committed it (``document``), with columns the reports need."""

    __tablename__ = "bo_sales"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    store_id: Mapped[str] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    receipt_no: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[datetime]
    business_date: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Integer)
    tax_total: Mapped[int] = mapped_column(Integer)
    gross_standard: Mapped[int] = mapped_column(Integer, default=0)  # 10 % 対象 (tax incl.)
    tax_standard: Mapped[int] = mapped_column(Integer, default=0)
    gross_reduced: Mapped[int] = mapped_column(Integer, default=0)  # 8 % 対象 (軽減税率)
    tax_reduced: Mapped[int] = mapped_column(Integer, default=0)
    counterparty: Mapped[str] = mapped_column(String(100), default="")  # 取引先 (電帳法)
    member_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime]
    document: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("kiosk_id", "kiosk_seq", name="uq_bo_sales_kiosk_seq"),
        Index("ix_bo_sales_completed_total", "completed_at", "total"),
        Index("ix_bo_sales_total", "total"),
        Index("ix_bo_sales_counterparty_completed", "counterparty", "completed_at"),
        Index(  # covers the reports' sums (migration 0003_report_cover)
            "ix_bo_sales_date_kiosk_totals",
            "business_date",
            "kiosk_id",
            "total",
            "gross_standard",
            "tax_standard",
            "gross_reduced",
            "tax_reduced",
        ),
    )


class SaleLineRow(Base):
    __tablename__ = "bo_sale_lines"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), index=True)
    business_date: Mapped[date] = mapped_column(Date)
    sku: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(64))
    tax: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_bo_sale_lines_date_sku", "business_date", "sku"),)


class SalePaymentRow(Base):
    __tablename__ = "bo_sale_payments"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), index=True)
    business_date: Mapped[date] = mapped_column(Date)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_bo_sale_payments_date_kiosk", "business_date", "kiosk_id"),)


class KioskEventRow(Base):
    """Outbox events that are not sales (voids, journal events): kept as received."""

    __tablename__ = "bo_kiosk_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime]


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


class MasterVersionRow(Base):
    """A published master-data snapshot; kiosks apply one version whole or not at all."""

    __tablename__ = "bo_master_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    checksum: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[dict] = mapped_column(JSON)


class SettingRow(Base):
    """Promotions, coupons and kiosk configuration edited in the back office (JSON values)."""

    __tablename__ = "bo_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class SettlementRow(Base):
    """Day-end settlement (精算) of one kiosk: expected cash against the count."""

    __tablename__ = "bo_settlements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("bo_kiosks.kiosk_id"))
    business_date: Mapped[date] = mapped_column(Date)
    float_amount: Mapped[int] = mapped_column(Integer, default=0)  # 釣銭準備金
    expected_cash: Mapped[int] = mapped_column(Integer)
    counted_cash: Mapped[int] = mapped_column(Integer)
    discrepancy: Mapped[int] = mapped_column(Integer)  # 過不足: counted − expected
    denominations: Mapped[dict] = mapped_column(JSON, default=dict)
    counted_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("kiosk_id", "business_date", name="uq_bo_settlement_day"),)


class StaffRow(Base):
    __tablename__ = "bo_staff"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))  # admin | manager | attendant
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class SessionRow(Base):
    __tablename__ = "bo_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("bo_staff.username"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AuditRow(Base):
    """Every change, who made it and when (監査ログ). Append-only and hash-chained (0002).

    PCI DSS 10.3: user id (``actor``), event type (``action``), date and time (``at``),
    success or failure (``result``), origination (``origin``), affected resource (``target``).
    """

    __tablename__ = "bo_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(16), default="success", server_default="success")
    origin: Mapped[str] = mapped_column(String(100), default="", server_default="")
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
