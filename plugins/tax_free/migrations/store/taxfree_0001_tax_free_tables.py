"""tax-free (免税, refund method): purchase records, transmission queue, refunds

A branch of its own (label "taxfree"); the store upgrades to "heads".

Revision ID: taxfree_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "taxfree_0001"
down_revision = "0001"
branch_labels = ("taxfree",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taxfree_records",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("store_code", sa.String(length=64), nullable=False),
        sa.Column("kiosk_id", sa.String(length=32), nullable=False),
        sa.Column("sold_at", sa.DateTime(), nullable=True),
        sa.Column("sale_date", sa.Date(), nullable=True),
        sa.Column("buyer_key", sa.String(length=64), nullable=False),
        sa.Column("buyer_enc", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("net_total", sa.Integer(), nullable=False),
        sa.Column("refund_amount", sa.Integer(), nullable=False),
        sa.Column("export_deadline", sa.Date(), nullable=True),
        sa.Column("transmitted_at", sa.DateTime(), nullable=True),
        sa.Column("nta_receipt", sa.String(length=64), nullable=True),
        sa.Column("export_date", sa.Date(), nullable=True),
        sa.Column("confirmation", sa.JSON(), nullable=True),
        sa.Column("refunded_at", sa.DateTime(), nullable=True),
        sa.Column("refund_channel", sa.String(length=32), nullable=True),
        sa.Column("refund_reference", sa.String(length=128), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
        sa.UniqueConstraint("sale_id"),
    )
    with op.batch_alter_table("taxfree_records", schema=None) as batch_op:
        batch_op.create_index("ix_taxfree_records_status", ["status"], unique=False)
        batch_op.create_index("ix_taxfree_records_sale_date", ["sale_date"], unique=False)
        batch_op.create_index("ix_taxfree_records_buyer_key", ["buyer_key"], unique=False)

    op.create_table(
        "taxfree_transmissions",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["taxfree_records.record_id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("record_id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("taxfree_transmissions", schema=None) as batch_op:
        batch_op.create_index("ix_taxfree_transmissions_state", ["state"], unique=False)

    op.create_table(
        "taxfree_refunds",
        sa.Column("refund_key", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("staff_id", sa.String(length=32), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["taxfree_records.record_id"]),
        sa.PrimaryKeyConstraint("refund_key"),
    )
    with op.batch_alter_table("taxfree_refunds", schema=None) as batch_op:
        batch_op.create_index("ix_taxfree_refunds_record_id", ["record_id"], unique=False)

    op.create_table(
        "taxfree_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("taxfree_meta")
    with op.batch_alter_table("taxfree_refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_taxfree_refunds_record_id")
    op.drop_table("taxfree_refunds")
    with op.batch_alter_table("taxfree_transmissions", schema=None) as batch_op:
        batch_op.drop_index("ix_taxfree_transmissions_state")
    op.drop_table("taxfree_transmissions")
    with op.batch_alter_table("taxfree_records", schema=None) as batch_op:
        batch_op.drop_index("ix_taxfree_records_buyer_key")
        batch_op.drop_index("ix_taxfree_records_sale_date")
        batch_op.drop_index("ix_taxfree_records_status")
    op.drop_table("taxfree_records")
