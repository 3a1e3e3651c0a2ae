"""Tables of the customers feature (migration ``0003_customers``, branch ``customers``).

Members are known here only by their pseudonymous id (the kiosk keeps the encrypted
personal data), so nothing in these tables names a person.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.backoffice.plugin_api import Base, Sales

MEMBER_SALES_WHERE = text("member_id IS NOT NULL")

# Most sales have no member: a partial index stays small, and (member, time, total) lets the
# member list and a member's history read the index alone, never the sale documents.
MEMBER_SALES_INDEX = Index(
    "ix_bo_sales_member_completed",
    Sales.member_id,
    Sales.completed_at,
    Sales.total,
    sqlite_where=MEMBER_SALES_WHERE,
    postgresql_where=MEMBER_SALES_WHERE,
)


class CouponUseRow(Base):
    """One coupon consumed by one sale, from the kiosk's ``coupons`` outbox events.

    ``amount_off`` is the discount the sale's adjustment gave (positive yen); it is NULL when
    the sale itself never reached the back office, which the campaign report shows.
    """

    __tablename__ = "bo_coupon_uses"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    coupon_id: Mapped[str] = mapped_column(String(120))
    definition_id: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(8))  # qr | barcode | member
    label: Mapped[str] = mapped_column(String(100), default="")
    sale_id: Mapped[str] = mapped_column(String(36))
    kiosk_id: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[str | None] = mapped_column(String(64))
    amount_off: Mapped[int | None] = mapped_column(Integer)
    used_at: Mapped[datetime]
    business_date: Mapped[date] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(36))
    # a return made the coupon usable again (``coupons_reinstated``): no longer redeemed
    reinstated_at: Mapped[datetime | None]
    reinstated_by: Mapped[str | None] = mapped_column(String(36))  # the return's id

    __table_args__ = (
        UniqueConstraint("sale_id", "coupon_id", name="uq_bo_coupon_uses_sale_coupon"),
        Index("ix_bo_coupon_uses_date_definition", "business_date", "definition_id"),
        Index("ix_bo_coupon_uses_member", "member_id"),
    )
