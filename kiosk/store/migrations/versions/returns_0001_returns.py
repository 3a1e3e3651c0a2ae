"""returns (返品): each return's document, from its draft to its commit

A branch of its own (label "returns"); the store upgrades to "heads".

Revision ID: returns_0001
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "returns_0001"
down_revision = "0002"
branch_labels = ("returns",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "returns",
        sa.Column("return_id", sa.String(length=36), primary_key=True),
        sa.Column("original_sale_id", sa.String(length=36), nullable=False, index=True),
        sa.Column("return_no", sa.Integer(), nullable=False, unique=True),
        sa.Column("state", sa.String(length=16), nullable=False, index=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("returns")
