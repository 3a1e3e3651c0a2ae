"""loyalty sync: the kiosks' feed, sealed members, consents, points entries, overdraws

A branch of its own (label "loyalty_sync"); the back office upgrades to "heads".

Revision ID: 0003_loyalty_sync
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_loyalty_sync"
down_revision = "0002"
branch_labels = ("loyalty_sync",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bo_loyalty_feed_heads",
        sa.Column("store_id", sa.String(32), primary_key=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "bo_loyalty_feed",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("origin_kiosk_id", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False, index=True),
        sa.Column("entry_id", sa.String(160), nullable=False, unique=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("store_id", "seq", name="uq_bo_loyalty_feed_store_seq"),
    )
    op.create_index(
        "ix_bo_loyalty_feed_store_topic_seq", "bo_loyalty_feed", ["store_id", "topic", "seq"]
    )
    op.create_table(
        "bo_members",
        sa.Column("member_id", sa.String(32), primary_key=True),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=True),
        sa.Column("phone_index", sa.String(64), nullable=True),
        sa.Column("card_index", sa.String(64), nullable=True),
        sa.Column("origin_kiosk_id", sa.String(32), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "bo_member_consents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False, index=True),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("agreed_at", sa.DateTime(), nullable=False),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "bo_points_entries",
        sa.Column("entry_id", sa.String(36), primary_key=True),
        sa.Column("member_id", sa.String(32), nullable=False, index=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("sale_id", sa.String(36), nullable=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "bo_points_overdraws",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False, index=True),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("debt", sa.Integer(), nullable=False),
        sa.Column("kiosks", sa.JSON(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "bo_loyalty_problems",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("kiosk_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("problem", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "bo_loyalty_problems",
        "bo_points_overdraws",
        "bo_points_entries",
        "bo_member_consents",
        "bo_members",
    ):
        op.drop_table(table)
    op.drop_index("ix_bo_loyalty_feed_store_topic_seq", table_name="bo_loyalty_feed")
    op.drop_table("bo_loyalty_feed")
    op.drop_table("bo_loyalty_feed_heads")
