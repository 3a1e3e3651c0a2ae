"""example feedback: the shoppers' ratings

A branch of its own (label "example_feedback") from the back office's core schema.

Revision ID: example_feedback_0001
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "example_feedback_0001"
down_revision = "0002"
branch_labels = ("example_feedback",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bo_example_feedback",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False, index=True),
        sa.Column("kiosk_seq", sa.BigInteger(), nullable=False),
        sa.Column("rating", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("bo_example_feedback")
