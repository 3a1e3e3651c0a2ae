"""Master data in (マスタ配信): apply a published version whole, or not at all.

The snapshot is checked (checksum, every product valid) before anything is written; then
the catalogue is replaced and the version, the configuration and every other section are
stored in **one** SQLite transaction. A crash or error half-way rolls it all back, so the
kiosk keeps selling from the old version. The runtime picks up the new catalogue through
``on_applied`` (or at its next start), and plugins take their sections in
``kiosk_masterdata_applied`` (:func:`with_published` overlays a rule list on ``kiosk.toml``).

Besides ``products`` and ``config``, every section is a plugin's (``kiosk_masterdata_sections``
in the back office: the promotions and coupons plugins' ``promotions`` and ``coupons``, a
vendor's own): the core stores it as sent, whether or not a plugin here reads it, and the
plugin that reads it (``runtime.masterdata(name)``) checks it. A section the last version
had and this one lacks (its plugin left the back office) is cleared, as the whole snapshot
replaces the last.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

import httpx
from sqlalchemy import select

from kiosk.domain.product import Product, TaxCategory
from kiosk.store import LocalStore
from kiosk.store.local import product_row
from kiosk.store.models import ConfigRow, ProductRow

log = logging.getLogger(__name__)
T = TypeVar("T")
VERSION_KEY = "masterdata.version"
#: the core's sections besides the products: stored even when a snapshot lacks them (None)
SECTIONS = ("config",)
SECTION_PREFIX = "masterdata."


def plugin_sections(snapshot: dict[str, Any]) -> list[str]:
    """The sections back-office plugins declared (``kiosk_masterdata_sections``): kept as
    sent, for ``runtime.masterdata(name)``; the plugin that reads one checks it."""
    return [
        key
        for key in snapshot
        if isinstance(key, str) and key not in (*SECTIONS, "products") and 0 < len(key) <= 64
    ]


class MasterDataError(RuntimeError):
    """The back office's master data could not be applied; the old version stays."""


class MasterDataCorrupt(MasterDataError):
    """The snapshot's checksum does not match: it was damaged on the way. Try again."""


class InvalidMasterData(MasterDataError):
    """A product in the snapshot is not valid; fix it in the back office and republish."""


def entries_by_id(entries: Any) -> dict[str, dict[str, Any]]:
    """A master-data list section (``[{"id": "MIX3", ...}, ...]``) as ``{id: fields}``.

    Entries without an ``id`` are skipped with a warning (the back office validates what it
    publishes; a kiosk never stops selling over one bad entry).
    """
    table: dict[str, dict[str, Any]] = {}
    for entry in entries or ():
        if isinstance(entry, dict) and entry.get("id"):
            table[str(entry["id"])] = {k: v for k, v in entry.items() if k != "id"}
        else:
            log.warning("master data: an entry without an id was skipped: %.80r", entry)
    return table


def with_published(
    local: Mapping[str, Mapping[str, Any]],
    entries: Any,
    parse: Callable[[str, dict[str, Any]], T],
    *,
    ignore: Collection[str] = (),
) -> dict[str, T]:
    """The kiosk's own rules (``kiosk.toml``) overlaid by id with published master data.

    A published entry's fields override the local ones of the same id (``ignore`` names
    fields that are not the rule's, such as a coupon's member list). A local rule that does
    not parse raises: a broken ``kiosk.toml`` is the installer's to fix before selling. A
    published one that does not parse is skipped and logged, and the kiosk keeps selling.
    """
    parsed = {key: parse(key, dict(data)) for key, data in local.items()}
    for key, fields in entries_by_id(entries).items():
        data = {**local.get(key, {}), **{k: v for k, v in fields.items() if k not in ignore}}
        try:
            parsed[key] = parse(key, data)
        except (ValueError, TypeError) as exc:
            log.warning("master data: %s refused, the kiosk goes on without it: %s", key, exc)
    return parsed


def snapshot_checksum(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_products(snapshot: dict[str, Any]) -> list[Product]:
    products = []
    for i, p in enumerate(snapshot.get("products", [])):
        try:
            products.append(
                Product(
                    sku=p["sku"],
                    name_ja=p["name_ja"],
                    name_en=p.get("name_en") or "",
                    price=int(p["price"]),
                    tax=TaxCategory(p["tax"]),
                    gtin=p.get("gtin"),
                    plu=p.get("plu"),
                    price_includes_tax=bool(p.get("price_includes_tax", True)),
                    department=p.get("department") or "general",
                    age_restricted=bool(p.get("age_restricted", False)),
                    weighed=bool(p.get("weighed", False)),
                    names=dict(p.get("names") or {}),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidMasterData(f"product #{i} ({p.get('sku', '?')}): {exc}") from None
    if not products:
        raise InvalidMasterData("the snapshot has no products")
    return products


class MasterDataApplier:
    def __init__(
        self,
        store: LocalStore,
        client: httpx.Client | None = None,
        token: str = "",
        *,
        on_applied: Callable[[int], None] | None = None,
    ) -> None:
        self.store, self.client, self.token, self.on_applied = store, client, token, on_applied

    @property
    def version(self) -> int:
        return int(self.store.get_config(VERSION_KEY, 0))

    def check(self) -> int | None:
        """Fetch and apply a newer version if there is one; returns it, else ``None``."""
        if self.client is None:
            raise MasterDataError("no back office client configured")
        headers = {"Authorization": f"Bearer {self.token}"}
        response = self.client.get(
            "/api/v1/masterdata/current", params={"have": self.version}, headers=headers
        )
        response.raise_for_status()
        body = response.json()
        if body.get("unchanged"):
            return None
        if snapshot_checksum(body["snapshot"]) != body["checksum"]:
            raise MasterDataCorrupt(f"version {body['version']}: checksum mismatch")
        version = int(body["version"])
        self.apply(version, body["snapshot"])
        self.client.post("/api/v1/masterdata/applied", json={"version": version}, headers=headers)
        return version

    def apply(
        self,
        version: int,
        snapshot: dict[str, Any],
        *,
        _after_row: Callable[[int], None] | None = None,
    ) -> int:
        """Apply ``snapshot`` as ``version`` atomically; returns the number of products.

        ``_after_row`` is a test seam called after each product is written (to crash there).
        """
        if version <= self.version:
            raise MasterDataError(f"version {version} is not newer than the applied {self.version}")
        products = parse_products(snapshot)  # validate everything before writing anything
        with self.store.transaction() as session:
            session.query(ProductRow).delete()
            for i, p in enumerate(products):
                session.add(product_row(p))
                if _after_row is not None:
                    session.flush()
                    _after_row(i)
            sections = (*SECTIONS, *plugin_sections(snapshot))
            gone = session.scalars(
                select(ConfigRow.key).where(
                    ConfigRow.key.startswith(SECTION_PREFIX),
                    ConfigRow.key != VERSION_KEY,
                    ConfigRow.key.not_in([SECTION_PREFIX + key for key in sections]),
                )
            ).all()
            for key in [*(SECTION_PREFIX + key for key in sections), *gone]:
                value = snapshot.get(key.removeprefix(SECTION_PREFIX))
                session.merge(ConfigRow(key=key, value={"value": value}))
            session.merge(ConfigRow(key=VERSION_KEY, value={"value": version}))
        log.info("master data version %d applied (%d products)", version, len(products))
        if self.on_applied is not None:
            self.on_applied(version)
        return len(products)
