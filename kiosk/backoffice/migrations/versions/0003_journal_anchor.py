"""journal anchors: every journal head a kiosk reported, judged against its anchor

Revision ID: 0003_journal_anchor
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_journal_anchor"
down_revision = "0002"
branch_labels = ("journal_anchor",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bo_journal_heads",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("anchor_seq", sa.BigInteger(), nullable=True),
    )
    op.create_index(
        "ix_bo_journal_heads_kiosk_verdict_seq",
        "bo_journal_heads",
        ["kiosk_id", "verdict", "seq"],
    )


def downgrade() -> None:
    op.drop_index("ix_bo_journal_heads_kiosk_verdict_seq", table_name="bo_journal_heads")
    op.drop_table("bo_journal_heads")
