"""The keys of ``[plugins.loyalty]`` in ``kiosk.toml`` and their types (docs/loyalty.md).

Declared to the kiosk (``kiosk_plugin_settings``): checked when ``kiosk.toml`` is read, so a
misspelt key is an error naming the file, the table and the key. What the values mean (a
valid base64 key, ``basis`` one of two words…) the service checks when the plugin starts.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CampaignTable(BaseModel):
    """``[plugins.loyalty.campaigns.<id>]``: extra points on some days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    multiplier: int = 2
    weekdays: list[int] = []  # 0 = Monday
    month_days: list[int] = []
    start: str | None = None  # ISO date, e.g. "2026-04-01"
    end: str | None = None


class LoyaltySettingsTable(BaseModel):
    """``[plugins.loyalty]``: every key the plugin reads (see :mod:`plugins.loyalty.service`,
    :meth:`plugins.loyalty.crypto.KeyRing.from_settings`,
    :meth:`plugins.loyalty.points.EarnPolicy.from_settings`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str | None = None  # base64, 32 bytes; wins over key_file
    key_file: str | None = None
    create_key: bool = True
    show_name: bool = False
    card_prefix: str = "MB"
    yen_per_point: int = 100
    basis: str = "after_tax"
    earn_on_points_tender: bool = False
    expiry_days: int = 365
    campaigns: dict[str, CampaignTable] = {}
    bonus_products: dict[str, int] = {}  # sku → ×n points
    member_prices: dict[str, int] = {}  # sku → yen
    purpose: dict[str, str] = {}  # language → the purpose-of-use text
    purpose_version: str | int | None = None  # raise it when the purpose text changes
