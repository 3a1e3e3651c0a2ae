"""loyalty: members (personal data encrypted), consents, points

A branch of its own (label "loyalty") so the plugin can evolve its tables without touching
the core chain. Until the coupons plugin had a branch of its own (``coupons_0001``) this
revision also made the coupon tables: a store made then keeps them, and ``coupons_0001``
finds them there. Personal data lives only in
``loyalty_members.personal`` as AES-GCM ciphertext; phone and card look-ups use keyed HMAC
indexes, never plaintext.

Revision ID: loyalty_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "loyalty_0001"
down_revision = "0001"
branch_labels = ("loyalty",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loyalty_members",
        sa.Column("member_id", sa.String(32), primary_key=True),
        sa.Column("card_index", sa.String(64), nullable=True, unique=True),
        sa.Column("phone_index", sa.String(64), nullable=True, unique=True),
        sa.Column("personal", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("kiosk_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "loyalty_consents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False, index=True),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("agreed_at", sa.DateTime(), nullable=False),
        sa.Column("kiosk_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "loyalty_points",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.String(32), nullable=False, index=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("sale_id", sa.String(36), nullable=True, index=True),
        sa.Column("reference", sa.String(64), nullable=True, index=True),
    )
    op.create_table(
        "loyalty_sales",
        sa.Column("sale_id", sa.String(36), primary_key=True),
        sa.Column("member_id", sa.String(32), nullable=True, index=True),
        sa.Column("earned", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("redeemed_tender", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("redeemed_discount", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.Column("reversed_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("loyalty_sales")
    op.drop_table("loyalty_points")
    op.drop_table("loyalty_consents")
    op.drop_table("loyalty_members")
