"""coupon uses: reinstated by a return (the kiosks' coupons_reinstated events)

Revision ID: 0004_coupon_reinstated
Revises: 0003_customers
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_coupon_reinstated"
down_revision = "0003_customers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bo_coupon_uses", sa.Column("reinstated_at", sa.DateTime(), nullable=True))
    op.add_column("bo_coupon_uses", sa.Column("reinstated_by", sa.String(36), nullable=True))


def downgrade() -> None:
    op.drop_column("bo_coupon_uses", "reinstated_by")
    op.drop_column("bo_coupon_uses", "reinstated_at")
