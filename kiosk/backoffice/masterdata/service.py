"""Master data (マスタ) published to kiosks as numbered, checksummed snapshots.

A snapshot is the whole catalogue, the kiosk configuration and every section a plugin
declares (``kiosk_masterdata_sections``: the promotions and coupons plugins' ``promotions``
and ``coupons``, a vendor's own the same way): small enough for one store (tens of thousands of items are a few MB of JSON), and whole snapshots
make "never half a catalogue" simple on the kiosk, which applies a version in one
transaction or not at all (:mod:`kiosk.sync.masterdata`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.backoffice.audit.service import record
from kiosk.backoffice.core import business_day, extensions
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.core.extensions import MasterDataSection
from kiosk.backoffice.masterdata.models import MasterVersionRow, ProductRow, SettingRow
from kiosk.domain.product import Product

#: the core's own settings: ``config`` is published to kiosks, the business day is not
SETTING_DEFAULTS: dict[str, Any] = {"config": {}, business_day.SETTING: "00:00"}
SETTING_KEYS = tuple(SETTING_DEFAULTS)
PRODUCT_FIELDS = (
    "sku", "gtin", "plu", "name_ja", "name_en", "names", "price", "tax",
    "price_includes_tax", "department", "age_restricted", "weighed",
)  # fmt: skip


def checksum(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upsert_products(
    session: Session, products: Iterable[Product], now: datetime, actor: str
) -> int:
    """Add or update catalogue items (cost and stock settings are kept)."""
    count = 0
    for p in products:
        row = session.get(ProductRow, p.sku) or ProductRow(sku=p.sku, on_hand=0, cost=0)
        row.gtin, row.plu, row.name_ja, row.name_en = p.gtin, p.plu, p.name_ja, p.name_en
        row.names, row.price, row.tax = dict(p.names), p.price, p.tax.value
        row.price_includes_tax, row.department = p.price_includes_tax, p.department
        row.age_restricted, row.weighed = p.age_restricted, p.weighed
        row.reorder_point = row.reorder_point or 0
        row.reorder_qty = row.reorder_qty or 0
        session.add(row)
        count += 1
    record(session, now, actor, "products.upsert", "", {"count": count})
    return count


def plugin_sections() -> dict[str, MasterDataSection]:
    """The sections plugins publish (``kiosk_masterdata_sections``), by name, in the order
    the plugins are loaded (a name the core uses was refused when they were collected)."""
    return {s.name: s for s in extensions.current().sections}


def section_checks(key: str) -> list[Callable[[Any], None]]:
    """The check of plugin section ``key`` (a kiosk skips a promotion or coupon entry it
    cannot parse, so the plugins' checks tell the manager when saving it)."""
    return [s.check for s in extensions.current().sections if s.name == key and s.check]


def settings(session: Session) -> list[tuple[str, Any]]:
    """Every setting the manager edits, with its value: the core's (``config``, the business
    day), then the plugins' sections in the order the plugins are loaded (the built-ins as
    ``BUILTIN_PLUGINS`` lists them, promotions before coupons; then the vendors')."""
    defaults = SETTING_DEFAULTS | {name: s.default for name, s in plugin_sections().items()}
    return [(key, get_setting(session, key, default)) for key, default in defaults.items()]


def set_setting(session: Session, key: str, value: Any, now: datetime, actor: str) -> None:
    sections = plugin_sections()
    if key not in SETTING_KEYS and key not in sections:
        raise InvalidInput(f"setting {key!r}: one of {', '.join((*SETTING_KEYS, *sections))}")
    for check in section_checks(key):
        try:
            check(value)
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"{key}: {exc}") from None
    if key == business_day.SETTING:
        business_day.parse_start(value)
    old = session.get(SettingRow, key)
    session.merge(SettingRow(key=key, value={"value": value}))
    record(
        session,
        now,
        actor,
        f"settings.{key}",
        key,
        {"old": old.value if old else None, "new": value},
    )


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(SettingRow, key)
    return row.value["value"] if row else default


def build_snapshot(session: Session) -> dict[str, Any]:
    products = session.scalars(select(ProductRow).order_by(ProductRow.sku))
    return {
        "products": [{name: getattr(p, name) for name in PRODUCT_FIELDS} for p in products],
        "config": get_setting(session, "config", {}),
        **{
            name: get_setting(session, name, section.default)
            for name, section in plugin_sections().items()
        },
    }


def publish(session: Session, now: datetime, actor: str) -> MasterVersionRow:
    """Freeze the current master data as the next version."""
    snapshot = build_snapshot(session)
    if not snapshot["products"]:
        raise InvalidInput("the catalogue is empty: import products before publishing")
    version = (session.scalar(select(func.max(MasterVersionRow.version))) or 0) + 1
    row = MasterVersionRow(
        version=version,
        created_at=now,
        created_by=actor,
        checksum=checksum(snapshot),
        snapshot=snapshot,
    )
    session.add(row)
    record(
        session,
        now,
        actor,
        "masterdata.publish",
        str(version),
        {"products": len(snapshot["products"])},
    )
    return row


def current(session: Session) -> MasterVersionRow | None:
    return session.scalars(
        select(MasterVersionRow).order_by(MasterVersionRow.version.desc()).limit(1)
    ).first()
