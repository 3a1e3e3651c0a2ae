"""payments: kind (payment | void | refund) and approved_amount

Voids and refunds are rows of their own that point at the payment they undo
(original_payment_id); approved_amount is what the provider actually took, which is less than
amount when e-money is short of balance (split tender).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="payment")
        )
        batch_op.add_column(
            sa.Column("approved_amount", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_payments_original_payment_id", ["original_payment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_original_payment_id")
        batch_op.drop_column("approved_amount")
        batch_op.drop_column("kind")
