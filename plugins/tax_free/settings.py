"""``[plugins.tax_free]`` in ``kiosk.toml``: off unless the store turns it on.

::

    [plugins.tax_free]
    enabled = true
    store_code = "TF-0001234"          # the shop's identifier (輸出物品販売場): required
    key_file = "/secure/tax_free.key"  # 32 random bytes; default: <data_dir>/tax_free.key
    minimum_purchase_excl_tax = 5000   # per buyer, store and day (下限額)
    high_value_excl_tax = 1000000      # per unit: detail fields required (商品情報詳細)
    export_days = 90
    excluded_departments = []          # departments the store does not sell tax-free
    fiscal_year_end_month = 12         # for the 7-year retention date
    refund_how_en = "Refund by the store after customs confirmation, to your card or at the tax-free counter."
    refund_how_ja = "税関確認後、カードへの返金または免税カウンターで返金します。"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plugins.tax_free import rules


class TaxFreeSettingsError(ValueError):
    """A ``tax_free`` setting is wrong; the message names the key and what to write."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"[plugins.tax_free] {key}: {problem}")
        self.key = key


DEFAULT_REFUND_HOW = {
    "en": "The store refunds the tax after customs confirms your export: see the notice given to you.",
    "ja": "税関の確認後、当店から消費税相当額を返金します。",
}


@dataclass(frozen=True, slots=True)
class TaxFreeSettings:
    enabled: bool = False
    store_code: str = ""
    key_file: Path | None = None
    create_key: bool = True
    minimum_purchase_excl_tax: int = rules.MINIMUM_PURCHASE_EXCL_TAX
    high_value_excl_tax: int = rules.HIGH_VALUE_UNIT_EXCL_TAX
    export_days: int = rules.EXPORT_WINDOW_DAYS
    excluded_departments: frozenset[str] = frozenset()
    fiscal_year_end_month: int = 12
    refund_how_en: str = DEFAULT_REFUND_HOW["en"]
    refund_how_ja: str = DEFAULT_REFUND_HOW["ja"]

    @classmethod
    def from_settings(cls, settings: dict[str, Any], data_dir: Path) -> TaxFreeSettings:
        enabled = settings.get("enabled", False)
        if not isinstance(enabled, bool):
            raise TaxFreeSettingsError("enabled", "write true or false")
        if not enabled:
            return cls()
        store_code = settings.get("store_code")
        if not isinstance(store_code, str) or not store_code.strip():
            raise TaxFreeSettingsError(
                "store_code", "required when enabled: the shop's tax-free identifier"
            )
        key_file = settings.get("key_file")
        values = dict(
            enabled=True,
            store_code=store_code.strip(),
            key_file=Path(key_file) if key_file else data_dir / "tax_free.key",
            create_key=bool(settings.get("create_key", not key_file)),
            minimum_purchase_excl_tax=_int(
                settings, "minimum_purchase_excl_tax", rules.MINIMUM_PURCHASE_EXCL_TAX
            ),
            high_value_excl_tax=_int(
                settings, "high_value_excl_tax", rules.HIGH_VALUE_UNIT_EXCL_TAX
            ),
            export_days=_int(settings, "export_days", rules.EXPORT_WINDOW_DAYS),
            excluded_departments=frozenset(settings.get("excluded_departments", ())),
            fiscal_year_end_month=_int(settings, "fiscal_year_end_month", 12),
            refund_how_en=str(settings.get("refund_how_en", DEFAULT_REFUND_HOW["en"])),
            refund_how_ja=str(settings.get("refund_how_ja", DEFAULT_REFUND_HOW["ja"])),
        )
        if not 1 <= values["fiscal_year_end_month"] <= 12:
            raise TaxFreeSettingsError("fiscal_year_end_month", "write a month number, 1 to 12")
        return cls(**values)


def _int(settings: dict[str, Any], key: str, default: int) -> int:
    value = settings.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TaxFreeSettingsError(key, f"write a whole number of yen or days (default {default})")
    return value
