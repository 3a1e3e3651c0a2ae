"""tax-free: the store-wide ledger of the kiosks' purchase-record summaries, and bad summaries

A branch of its own (label "tax_free"); the back office upgrades to "heads".

Revision ID: 0003_tax_free
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_tax_free"
down_revision = "0002"
branch_labels = ("tax_free",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bo_taxfree_records",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("sale_id", sa.String(36), nullable=False),
        sa.Column("kiosk_id", sa.String(32), nullable=False, index=True),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("store_code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sale_date", sa.Date(), nullable=False, index=True),
        sa.Column("sold_at", sa.DateTime(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("buyer_key", sa.String(64), nullable=False, index=True),
        sa.Column("buyer", sa.String(100), nullable=False),
        sa.Column("passport", sa.String(32), nullable=False),
        sa.Column("net_total", sa.Integer(), nullable=False),
        sa.Column("refund_amount", sa.Integer(), nullable=False),
        sa.Column("export_deadline", sa.Date(), nullable=True),
        sa.Column("nta_receipt", sa.String(64), nullable=True),
        sa.Column("refunded_at", sa.DateTime(), nullable=True),
        sa.Column("refund_channel", sa.String(32), nullable=True),
        sa.Column("kiosk_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "bo_taxfree_problems",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("kiosk_seq", sa.BigInteger(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("bo_taxfree_problems")
    op.drop_table("bo_taxfree_records")
