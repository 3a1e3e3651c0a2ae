"""report archive: daily and monthly reports stored once their period has closed

Revision ID: 0003_report_archive
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_report_archive"
down_revision = "0002"
branch_labels = ("report_archive",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bo_report_archive",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("sales", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("csv", sa.Text(), nullable=False),
        sa.Column("revisions", sa.JSON(), nullable=False),
        sa.UniqueConstraint("kind", "period", name="uq_bo_report_archive_kind_period"),
    )


def downgrade() -> None:
    op.drop_table("bo_report_archive")
