"""tax-free: corrections of transmitted records (a return after transmission)

Revision ID: taxfree_0002
Revises: taxfree_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "taxfree_0002"
down_revision = "taxfree_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taxfree_corrections",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("correction_id", sa.String(length=64), nullable=False, unique=True),
        sa.Column(
            "record_id",
            sa.String(length=36),
            sa.ForeignKey("taxfree_records.record_id"),
            nullable=False,
        ),
        sa.Column("return_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("nta_receipt", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_taxfree_corrections_record_id", "taxfree_corrections", ["record_id"])
    op.create_index("ix_taxfree_corrections_state", "taxfree_corrections", ["state"])


def downgrade() -> None:
    op.drop_index("ix_taxfree_corrections_state", table_name="taxfree_corrections")
    op.drop_index("ix_taxfree_corrections_record_id", table_name="taxfree_corrections")
    op.drop_table("taxfree_corrections")
