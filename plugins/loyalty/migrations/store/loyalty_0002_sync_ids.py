"""loyalty sync: points entries get a global id and the kiosk that booked them

Entries replicate between the kiosks of a store through the back office; the id makes each
apply once everywhere. Entries booked before this revision keep no id and stay local.

Revision ID: loyalty_0002
Revises: loyalty_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "loyalty_0002"
down_revision = "loyalty_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loyalty_points") as batch:
        batch.add_column(sa.Column("entry_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("kiosk_id", sa.String(32), nullable=True))
    op.create_index("ux_loyalty_points_entry_id", "loyalty_points", ["entry_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_loyalty_points_entry_id", table_name="loyalty_points")
    with op.batch_alter_table("loyalty_points") as batch:
        batch.drop_column("kiosk_id")
        batch.drop_column("entry_id")
