"""attendant console, hash-chained audit (semi-self hand-offs: the handoff plugin's branch)

Revision ID: 0002
Revises: 0001
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _hash(prev, at, actor, action, target, detail, result, origin, note) -> str:
    # frozen copy of kiosk.backoffice.audit.service.chain_hash as of this revision
    if isinstance(detail, str):
        detail = json.loads(detail or "{}")
    body = json.dumps(
        detail or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    material = "|".join(
        (prev, at.isoformat(), actor, action, target or "", body, result, origin or "", note or "")
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("bo_audit") as batch:
        batch.add_column(
            sa.Column("result", sa.String(16), nullable=False, server_default="success")
        )
        batch.add_column(sa.Column("origin", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    bind = op.get_bind()
    audit = sa.table(
        "bo_audit",
        sa.column("id", sa.Integer), sa.column("at", sa.DateTime), sa.column("actor", sa.String),
        sa.column("action", sa.String), sa.column("target", sa.String), sa.column("detail", sa.JSON),
        sa.column("note", sa.Text), sa.column("result", sa.String), sa.column("origin", sa.String),
        sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
    )  # fmt: skip
    prev = GENESIS
    rows = bind.execute(sa.select(audit).order_by(audit.c.id)).mappings().all()
    for r in rows:  # chain the rows written before this revision
        result = "failure" if r["action"].endswith("_failed") else "success"
        h = _hash(
            prev, r["at"], r["actor"], r["action"], r["target"], r["detail"], result, "", r["note"]
        )
        bind.execute(
            audit.update()
            .where(audit.c.id == r["id"])
            .values(result=result, prev_hash=prev, hash=h)
        )
        prev = h

    op.create_table(
        "bo_kiosk_status",
        sa.Column("kiosk_id", sa.String(32), sa.ForeignKey("bo_kiosks.kiosk_id"), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("checkout_state", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("state_since", sa.DateTime(), nullable=False),
        sa.Column("health", sa.JSON(), nullable=False),
        sa.Column("unsent_sales", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        # dropped by 0003_kiosk_status_handoff: the handoff plugin keeps a kiosk's hand-off
        sa.Column("handoff_id", sa.String(32), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "bo_kiosk_state_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("old", sa.String(20), nullable=False),
        sa.Column("new", sa.String(20), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_bo_kiosk_state_log_kiosk", "bo_kiosk_state_log", ["kiosk_id", "id"])
    # bo_handoffs was created here until the handoff plugin took its back office over; its own
    # branch (plugins/handoff/migrations/backoffice/0003_handoff.py) now creates it, and adopts
    # the table a database migrated before then already has.
    op.create_table(
        "bo_kiosk_commands",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_bo_kiosk_commands_kiosk_state", "bo_kiosk_commands", ["kiosk_id", "state"])


def downgrade() -> None:
    op.drop_table("bo_kiosk_commands")
    op.drop_table("bo_kiosk_state_log")
    op.drop_table("bo_kiosk_status")
    with op.batch_alter_table("bo_audit") as batch:
        for name in ("hash", "prev_hash", "origin", "result"):
            batch.drop_column(name)
