"""coupons: coupon uses (reserved, consumed, released), uses seen at other kiosks, members' coupons

A branch of its own (label "coupons"), so the plugin has its tables with or without the
loyalty plugin. Until this revision the loyalty branch's ``loyalty_0001`` made these tables:
in a store made then they are already there, with their rows, and are kept as they are —
each table is made only where it is missing.

Revision ID: coupons_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "coupons_0001"
down_revision = "0001"
branch_labels = ("coupons",)
depends_on = None


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _missing("coupon_uses"):
        op.create_table(
            "coupon_uses",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("coupon_id", sa.String(80), nullable=False, index=True),
            sa.Column("definition_id", sa.String(64), nullable=False),
            sa.Column("single_use", sa.Boolean(), nullable=False),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("sale_id", sa.String(36), nullable=False, index=True),
            sa.Column("kiosk_id", sa.String(32), nullable=False),
            sa.Column("member_id", sa.String(32), nullable=True, index=True),
            sa.Column("reserved_at", sa.DateTime(), nullable=False),
            sa.Column("settled_at", sa.DateTime(), nullable=True),
        )
        # one live (reserved or consumed) use per single-use coupon, enforced by the database
        op.create_index(
            "ux_coupon_uses_single_live",
            "coupon_uses",
            ["coupon_id"],
            unique=True,
            sqlite_where=sa.text("single_use = 1 AND state IN ('reserved', 'consumed')"),
            postgresql_where=sa.text("single_use AND state IN ('reserved', 'consumed')"),
        )
    if _missing("coupon_remote_uses"):
        op.create_table(
            "coupon_remote_uses",
            sa.Column("coupon_id", sa.String(80), primary_key=True),
            sa.Column("sale_id", sa.String(36), primary_key=True),
            sa.Column("kiosk_id", sa.String(32), nullable=False, server_default=""),
            sa.Column("seen_at", sa.DateTime(), nullable=False),
        )
    if _missing("coupon_member_coupons"):
        op.create_table(
            "coupon_member_coupons",
            sa.Column("member_id", sa.String(32), primary_key=True),
            sa.Column("definition_id", sa.String(64), primary_key=True),
            sa.Column("attached_at", sa.DateTime(), nullable=False),
        )


def downgrade() -> None:
    op.drop_table("coupon_member_coupons")
    op.drop_table("coupon_remote_uses")
    op.drop_index("ux_coupon_uses_single_live", table_name="coupon_uses")
    op.drop_table("coupon_uses")
