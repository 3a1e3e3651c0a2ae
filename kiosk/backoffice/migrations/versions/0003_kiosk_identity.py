"""kiosk identity: epochs of a kiosk's outbox (one per database) and flags for staff

Revision ID: 0003_kiosk_identity
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_kiosk_identity"
down_revision = "0002"
branch_labels = ("kiosk_identity",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bo_kiosk_epochs",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(64), nullable=False),
        sa.Column("seq_offset", sa.BigInteger(), nullable=False),
        sa.Column("first_local_seq", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("receipt_floor", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_bo_kiosk_epochs_kiosk_epoch", "bo_kiosk_epochs", ["kiosk_id", "epoch"], unique=True
    )
    op.create_table(
        "bo_kiosk_identity_flags",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        sa.Column("note", sa.String(200), nullable=False),
    )
    op.create_index("ix_bo_kiosk_identity_flags_kiosk_id", "bo_kiosk_identity_flags", ["kiosk_id"])


def downgrade() -> None:
    op.drop_index("ix_bo_kiosk_identity_flags_kiosk_id", table_name="bo_kiosk_identity_flags")
    op.drop_table("bo_kiosk_identity_flags")
    op.drop_index("ix_bo_kiosk_epochs_kiosk_epoch", table_name="bo_kiosk_epochs")
    op.drop_table("bo_kiosk_epochs")
