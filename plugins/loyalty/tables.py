"""The loyalty tables as SQLAlchemy Core objects (migrations ``loyalty_0001``, ``loyalty_0002``)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

members = sa.Table(
    "loyalty_members",
    metadata,
    sa.Column("member_id", sa.String(32), primary_key=True),
    sa.Column("card_index", sa.String(64)),
    sa.Column("phone_index", sa.String(64)),
    sa.Column("personal", sa.LargeBinary),  # AES-GCM: nonce ‖ ciphertext ‖ tag
    sa.Column("status", sa.String(16)),
    sa.Column("kiosk_id", sa.String(32)),
    sa.Column("created_at", sa.DateTime),
    sa.Column("deleted_at", sa.DateTime),
)

consents = sa.Table(
    "loyalty_consents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("member_id", sa.String(32)),
    sa.Column("version", sa.String(32)),
    sa.Column("language", sa.String(8)),
    sa.Column("text_sha256", sa.String(64)),
    sa.Column("agreed_at", sa.DateTime),
    sa.Column("kiosk_id", sa.String(32)),
    sa.Column("withdrawn_at", sa.DateTime),
)

points = sa.Table(
    "loyalty_points",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("member_id", sa.String(32)),
    sa.Column("kind", sa.String(24)),
    sa.Column("points", sa.Integer),
    sa.Column("at", sa.DateTime),
    sa.Column("expires_at", sa.DateTime),
    sa.Column("sale_id", sa.String(36)),
    sa.Column("reference", sa.String(64)),
    sa.Column("entry_id", sa.String(36)),  # loyalty_0002: global id, replicated by the sync
    sa.Column("kiosk_id", sa.String(32)),  # loyalty_0002: the kiosk that booked the entry
)

sales = sa.Table(
    "loyalty_sales",
    metadata,
    sa.Column("sale_id", sa.String(36), primary_key=True),
    sa.Column("member_id", sa.String(32)),
    sa.Column("earned", sa.Integer),
    sa.Column("redeemed_tender", sa.Integer),
    sa.Column("redeemed_discount", sa.Integer),
    sa.Column("detail", sa.JSON),
    sa.Column("processed_at", sa.DateTime),
    sa.Column("reversed_at", sa.DateTime),
)
