"""customers: coupon uses (backfilled from received coupons events), member index on sales

Revision ID: 0003_customers
Revises: 0002
"""

import logging

import sqlalchemy as sa
from alembic import op

from plugins.loyalty.backoffice.campaigns_coupons import SaleFacts, UnreadableCouponEvent, uses_from_event

revision = "0003_customers"
down_revision = "0002"
branch_labels = ("customers",)
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
PAGE = 1000


def upgrade() -> None:
    op.create_table(
        "bo_coupon_uses",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("coupon_id", sa.String(120), nullable=False),
        sa.Column("definition_id", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("sale_id", sa.String(36), nullable=False),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=True),
        sa.Column("amount_off", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.UniqueConstraint("sale_id", "coupon_id", name="uq_bo_coupon_uses_sale_coupon"),
    )
    op.create_index(
        "ix_bo_coupon_uses_date_definition", "bo_coupon_uses", ["business_date", "definition_id"]
    )
    op.create_index("ix_bo_coupon_uses_member", "bo_coupon_uses", ["member_id"])
    member_sales = sa.text("member_id IS NOT NULL")
    op.create_index(
        "ix_bo_sales_member_completed",
        "bo_sales",
        ["member_id", "completed_at", "total"],
        sqlite_where=member_sales,
        postgresql_where=member_sales,
    )
    _backfill(op.get_bind())


def _backfill(bind) -> None:
    """Coupon uses of the coupons events received before this revision."""
    events = sa.table(
        "bo_kiosk_events",
        sa.column("id", sa.Integer), sa.column("kiosk_id", sa.String), sa.column("event_id", sa.String),
        sa.column("kind", sa.String), sa.column("payload", sa.JSON), sa.column("received_at", sa.DateTime),
    )  # fmt: skip
    sales = sa.table(
        "bo_sales",
        sa.column("sale_id", sa.String), sa.column("member_id", sa.String), sa.column("completed_at", sa.DateTime),
        sa.column("business_date", sa.Date), sa.column("document", sa.JSON),
    )  # fmt: skip
    uses = sa.table(
        "bo_coupon_uses",
        *(sa.column(name) for name in (
            "coupon_id", "definition_id", "origin", "label", "sale_id", "kiosk_id", "member_id",
            "amount_off", "used_at", "business_date", "event_id",
        )),
    )  # fmt: skip
    seen: set[tuple[str, str]] = set()
    unreadable, last_id = 0, 0
    while True:
        page = bind.execute(
            sa.select(events)
            .where(events.c.kind == "coupons", events.c.id > last_id)
            .order_by(events.c.id)
            .limit(PAGE)
        ).all()
        if not page:
            break
        last_id = page[-1].id
        sale_ids = {e.payload.get("sale_id") for e in page if isinstance(e.payload, dict)}
        found = {
            s.sale_id: SaleFacts(
                s.member_id,
                s.completed_at,
                s.business_date,
                (s.document or {}).get("adjustments") or [],
            )
            for s in bind.execute(
                sa.select(sales).where(
                    sales.c.sale_id.in_([i for i in sale_ids if isinstance(i, str)])
                )
            )
        }
        rows = []
        for e in page:
            try:
                payload = e.payload if isinstance(e.payload, dict) else {}
                sale = (
                    found.get(payload["sale_id"])
                    if isinstance(payload.get("sale_id"), str)
                    else None
                )
                new = uses_from_event(payload, sale, e.kiosk_id, e.event_id, e.received_at)
            except UnreadableCouponEvent:
                unreadable += 1
                continue
            for use in new:
                if (use["sale_id"], use["coupon_id"]) not in seen:
                    seen.add((use["sale_id"], use["coupon_id"]))
                    rows.append(use)
        if rows:
            bind.execute(uses.insert(), rows)
    if unreadable:
        log.warning(
            "0003_customers: %d coupons event(s) could not be read and were skipped", unreadable
        )


def downgrade() -> None:
    op.drop_index("ix_bo_sales_member_completed", table_name="bo_sales")
    op.drop_table("bo_coupon_uses")
