"""The coupon tables as SQLAlchemy Core objects (migration ``coupons_0001``,
``plugins/coupons/migrations/store``; in stores made before it, ``loyalty_0001`` made them)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

uses = sa.Table(
    "coupon_uses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("coupon_id", sa.String(80)),
    sa.Column("definition_id", sa.String(64)),
    sa.Column("single_use", sa.Boolean),
    sa.Column("state", sa.String(16)),  # reserved | consumed | released
    sa.Column("sale_id", sa.String(36)),
    sa.Column("kiosk_id", sa.String(32)),
    sa.Column("member_id", sa.String(32)),
    sa.Column("reserved_at", sa.DateTime),
    sa.Column("settled_at", sa.DateTime),
)

remote_uses = sa.Table(
    "coupon_remote_uses",
    metadata,
    sa.Column("coupon_id", sa.String(80), primary_key=True),
    sa.Column("sale_id", sa.String(36), primary_key=True),
    sa.Column("kiosk_id", sa.String(32)),
    sa.Column("seen_at", sa.DateTime),
)

member_coupons = sa.Table(
    "coupon_member_coupons",
    metadata,
    sa.Column("member_id", sa.String(32), primary_key=True),
    sa.Column("definition_id", sa.String(64), primary_key=True),
    sa.Column("attached_at", sa.DateTime),
)
