"""``[plugins.tax_free]`` in ``kiosk.toml``: off unless the store turns it on.

::

    [plugins.tax_free]
    enabled = true
    store_code = "TF-0001234"          # the shop's identifier (輸出物品販売場): required
    key_file = "/secure/tax_free.key"  # 32 random bytes; default: <key_dir>/tax_free.key
    minimum_purchase_excl_tax = 5000   # per buyer, store and day (下限額; kept by the reform)
    high_value_excl_tax = 1000000      # per unit: detail fields required (商品情報詳細)
    export_days = 90
    excluded_departments = []          # departments the store does not sell tax-free
    fiscal_year_end_month = 12         # for the 7-year retention date
    # optional, per language (ja, en, zh_Hans, ko); a language not written here gets the
    # plugin catalogue's default sentence in that language
    refund_how_en = "Refund by the store after customs confirmation, to your card or at the tax-free counter."
    refund_how_ja = "税関確認後、カードへの返金または免税カウンターで返金します。"

    # Sending purchase records and pulling customs confirmations (plugins.tax_free.scheduler).
    # Without transmit_url nothing is sent: records wait in the queue, staff see them pending.
    transmit_url = "https://nta-gateway.example.jp"  # https (plain http only to 127.0.0.1)
    transmit_token = "…"               # sent as "Authorization: Bearer …"; optional
    transmit_timeout_s = 10            # per HTTP request
    transmit_interval_s = 60           # sweep the queue (a sale also wakes the sender)
    confirmation_interval_s = 900      # pull 税関確認情報, then expire overdue records
    confirmation_grace_days = 7        # days after the deadline before "expired"

    # With a back office ([backoffice] url and token), the minimum counts the buyer's records
    # from every kiosk of the store (all kiosks must share the same key_file for that).
    store_wide_totals = true
    store_wide_timeout_s = 2           # then this kiosk's records alone
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from kiosk.messages import N_, Localised
from plugins.tax_free import rules

NO_OWN_WORDS = Localised(())  # the store wrote no words of its own


class TaxFreeSettingsError(ValueError):
    """A ``tax_free`` setting is wrong; the message names the key and what to write."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"[plugins.tax_free] {key}: {problem}")
        self.key = key


# The receipt's "how you get the refund" line: this key of the plugin's catalogue in the
# shopper's language, unless the store wrote its own words in that language (refund_how_<lang>).
DEFAULT_REFUND_HOW = N_(
    "The store refunds the tax after customs confirms your export: see the notice given to you."
)


class TaxFreeSettingsTable(BaseModel):
    """The table's keys and their types, declared to the kiosk (``kiosk_plugin_settings``):
    checked when ``kiosk.toml`` is read, so a misspelt key is an error naming the file, the
    table and the key. What the values mean (a store code when enabled, https, a month
    number…) :meth:`TaxFreeSettings.from_settings` checks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    store_code: str | None = None
    key_file: str | None = None
    create_key: bool | None = None
    minimum_purchase_excl_tax: int | None = None
    high_value_excl_tax: int | None = None
    export_days: int | None = None
    excluded_departments: list[str] | None = None
    fiscal_year_end_month: int | None = None
    refund_how_ja: str | None = None
    refund_how_en: str | None = None
    refund_how_zh_Hans: str | None = Field(
        None, validation_alias=AliasChoices("refund_how_zh_Hans", "refund_how_zh-Hans")
    )
    refund_how_ko: str | None = None
    transmit_url: str | None = None
    transmit_token: str | None = None
    transmit_timeout_s: float | None = None
    transmit_interval_s: float | None = None
    confirmation_interval_s: float | None = None
    confirmation_grace_days: int | None = None
    store_wide_totals: bool | None = None
    store_wide_timeout_s: float | None = None


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
    # store data: the store's own words per language (refund_how_ja/_en/_zh_Hans/_ko)
    refund_how: Localised = NO_OWN_WORDS
    transmit_url: str = ""  # empty: no scheduler, nothing is sent
    transmit_token: str = ""
    transmit_timeout_s: float = 10.0
    transmit_interval_s: float = 60.0
    confirmation_interval_s: float = 900.0
    confirmation_grace_days: int = 7
    store_wide_totals: bool = True
    store_wide_timeout_s: float = 2.0

    @property
    def transmits(self) -> bool:
        return self.enabled and bool(self.transmit_url)

    @classmethod
    def from_settings(cls, settings: dict[str, Any], key_dir: Path) -> TaxFreeSettings:
        """``key_dir``: the kiosk's key directory (kiosk.keys), never the data directory."""
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
            key_file=Path(key_file) if key_file else key_dir / "tax_free.key",
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
            refund_how=Localised.from_keys(settings, "refund_how"),
            transmit_url=_url(settings),
            transmit_token=_str(settings, "transmit_token"),
            transmit_timeout_s=_seconds(settings, "transmit_timeout_s", 10.0),
            transmit_interval_s=_seconds(settings, "transmit_interval_s", 60.0),
            confirmation_interval_s=_seconds(settings, "confirmation_interval_s", 900.0),
            confirmation_grace_days=_int(settings, "confirmation_grace_days", 7),
            store_wide_totals=_bool(settings, "store_wide_totals", True),
            store_wide_timeout_s=_seconds(settings, "store_wide_timeout_s", 2.0),
        )
        if values["transmit_token"] and not values["transmit_url"]:
            raise TaxFreeSettingsError("transmit_token", "set transmit_url too, or remove it")
        if not 1 <= values["fiscal_year_end_month"] <= 12:
            raise TaxFreeSettingsError("fiscal_year_end_month", "write a month number, 1 to 12")
        return cls(**values)


def _int(settings: dict[str, Any], key: str, default: int) -> int:
    value = settings.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TaxFreeSettingsError(key, f"write a whole number of yen or days (default {default})")
    return value


def _bool(settings: dict[str, Any], key: str, default: bool) -> bool:
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise TaxFreeSettingsError(key, "write true or false")
    return value


def _str(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key, "")
    if not isinstance(value, str):
        raise TaxFreeSettingsError(key, "write a string in quotes")
    return value.strip()


def _seconds(settings: dict[str, Any], key: str, default: float) -> float:
    value = settings.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise TaxFreeSettingsError(key, f"write a number of seconds above 0 (default {default:g})")
    return float(value)


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _url(settings: dict[str, Any]) -> str:
    """The transmitter endpoint: https, or plain http only to this machine (a simulator)."""
    url = _str(settings, "transmit_url")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TaxFreeSettingsError("transmit_url", "write a URL such as https://host/path")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise TaxFreeSettingsError(
            "transmit_url", "records carry passport data: use https (http only to 127.0.0.1)"
        )
    return url.rstrip("/")
