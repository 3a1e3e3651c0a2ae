"""kiosk status: drop bo_kiosk_status.handoff_id (the handoff plugin keeps a kiosk's hand-off)

0002 made the column for the console's hand-off; since the hand-off back office became the
handoff plugin's, what a kiosk reports of its hand-off is the plugin's own table
(bo_handoff_kiosks, plugins/handoff/migrations/backoffice/0003_handoff.py) and nothing reads
or writes this column. Its value was only the last report's (the next report gives it
again), so nothing is copied.

Revision ID: 0003_kiosk_status_handoff
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_kiosk_status_handoff"
down_revision = "0002"
branch_labels = ("kiosk_status",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bo_kiosk_status") as batch:
        batch.drop_column("handoff_id")


def downgrade() -> None:
    with op.batch_alter_table("bo_kiosk_status") as batch:
        batch.add_column(sa.Column("handoff_id", sa.String(32), nullable=True))
