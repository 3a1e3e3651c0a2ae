"""handoff: semi-self hand-offs (bo_handoffs) and each kiosk's reported hand-off

A branch of its own (label "handoff"); the back office upgrades to "heads".

Why "create if absent": core revision 0002 created bo_handoffs until the hand-off back
office became this plugin's. A database migrated before then has the table (with its rows,
same columns and index) and 0002 applied, so this revision adopts it as it is; a newer
database gets it here. Either way the plugin owns the table from this revision on, and
the core's schema no longer names it. (Keeping the table in 0002 instead would leave a
hand-off table in every back office, with or without the plugin.)

Revision ID: 0003_handoff
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_handoff"
down_revision = "0002"
branch_labels = ("handoff",)
depends_on = None


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("bo_handoffs"):
        op.create_table(
            "bo_handoffs",
            sa.Column("handoff_id", sa.String(32), primary_key=True),
            sa.Column("station_id", sa.String(32), nullable=False),
            sa.Column("staff_id", sa.String(32), nullable=False),
            sa.Column("kiosk_id", sa.String(32), nullable=True),
            sa.Column("state", sa.String(12), nullable=False),
            sa.Column("total", sa.Integer(), nullable=False),
            sa.Column("items", sa.Integer(), nullable=False),
            sa.Column("code", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=False),
            sa.Column("claimed_at", sa.DateTime(), nullable=True),
            sa.Column("paid_at", sa.DateTime(), nullable=True),
            sa.Column("sale_id", sa.String(36), nullable=True),
        )
        op.create_index("ix_bo_handoffs_state", "bo_handoffs", ["state"])
    op.create_table(
        "bo_handoff_kiosks",
        sa.Column("kiosk_id", sa.String(32), primary_key=True),
        sa.Column("handoff_id", sa.String(32), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("bo_handoff_kiosks")
    op.drop_table("bo_handoffs")
