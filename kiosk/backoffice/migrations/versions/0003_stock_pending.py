"""stock pending: sales' stock takes waiting to be settled into bo_products (PostgreSQL)

A branch of its own (label "stock_pending"); the back office upgrades to "heads". See
kiosk/backoffice/inventory/pending_stock.py for why.

Revision ID: 0003_stock_pending
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_stock_pending"
down_revision = "0002"
branch_labels = ("stock_pending",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bo_stock_pending",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("bo_stock_pending")
