"""training sales: sales paid to payment simulators, kept apart from bo_sales and reports

Revision ID: 0003_training_sales
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_training_sales"
down_revision = "0002"
branch_labels = ("training_sales",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bo_training_sales",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("sale_id", sa.String(36), nullable=False, unique=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("kiosk_seq", sa.BigInteger(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
    )
    op.create_index(
        "ix_bo_training_sales_kiosk_date", "bo_training_sales", ["kiosk_id", "business_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_bo_training_sales_kiosk_date", table_name="bo_training_sales")
    op.drop_table("bo_training_sales")
