"""returns (返品): the kiosks' return documents, their lines, and double-return flags

A branch of its own (label "returns"); the back office upgrades to "heads".

Revision ID: 0003_returns
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_returns"
down_revision = "0002"
branch_labels = ("returns",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bo_returns",
        sa.Column("return_id", sa.String(36), primary_key=True),
        sa.Column("original_sale_id", sa.String(36), nullable=False, index=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("return_no", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False, index=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.Column("flag", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "bo_return_lines",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("return_id", sa.String(36), nullable=False, index=True),
        sa.Column("original_sale_id", sa.String(36), nullable=False),
        sa.Column("original_line_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("restock", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_bo_return_lines_original", "bo_return_lines", ["original_sale_id", "original_line_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_bo_return_lines_original", "bo_return_lines")
    op.drop_table("bo_return_lines")
    op.drop_table("bo_returns")
