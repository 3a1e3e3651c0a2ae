"""outbox: park an event the back office refused as malformed (4xx), for staff to retry

A parked row keeps its payload; the relay sends a small ``parked`` stand-in under its seq so
the back office can apply the events after it in order. ``kiosk outbox retry SEQ`` queues a
copy under a new seq once the cause is fixed and notes it in ``retried_as``.

Revision ID: outbox_parking_0001
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "outbox_parking_0001"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("parked_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("parked_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("retried_as", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("retried_as")
        batch.drop_column("parked_reason")
        batch.drop_column("parked_at")
