"""The typed sections of ``kiosk.toml``; their field defaults are the built-in defaults.

Every model forbids unknown keys, so a misspelt key is an error that names it instead of a
setting silently ignored. docs/configuration.md lists the same sections and keys.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from kiosk.domain.addressee_words import check_entry


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KioskSection(Section):
    id: str = Field(min_length=1)
    data_dir: str = "var"
    language: Literal["ja", "en", "zh-Hans", "ko"] = "ja"
    # no default: a store names its hardware (the "simulated" profile means training mode)
    hardware_profile: str = Field(min_length=1)
    theme: str = "default"
    receipt_width: int = Field(42, ge=24, le=80)
    open_hardware: bool = False
    device_panel_port: int | None = Field(None, ge=0, le=65535)
    key_dir: str | None = None  # None: $KIOSK_KEY_DIR or <data_dir>-keys (kiosk.keys)


class StoreSection(Section):
    name: str = Field(min_length=1)
    registration_number: str = Field(min_length=1)
    address: str = ""
    phone: str = ""
    #: IANA zone: receipt times and business dates are the store's wall clock, whatever zone
    #: the machine was installed with (often UTC)
    time_zone: str = "Asia/Tokyo"
    #: printed on a 領収書 when a revenue stamp is due (¥50,000+ received in cash): how the
    #: store handles the stamp (kiosk.domain.formal_receipt)
    revenue_stamp_note: str = ""
    #: tender methods that are money received for the stamp rule (a code payment the
    #: merchant contract makes money received, a debit card): cash always is
    revenue_stamp_methods: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: ["cash"]
    )
    #: the 但し書き choices a shopper has for a 領収書 (the first is the default)
    formal_receipt_provisos: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=lambda: ["お品代として", "飲食代として", "事務用品代として"], min_length=1
    )
    #: the store's own kana → kanji words for the 領収書 addressee pad, added to the bundled
    #: ones (kiosk/data/addressee_words.toml): reading = [words]
    addressee_words: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'unknown time zone {value!r}; use an IANA name such as "Asia/Tokyo"'
            ) from None
        return value

    @field_validator("addressee_words")
    @classmethod
    def _kana_readings(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for reading, words in value.items():
            check_entry(reading, words)
        return value


class CheckoutSection(Section):
    rounding: Literal["floor", "half_up", "ceil"] = "floor"
    removal_needs_approval: bool = False
    #: payment tiles first in this order (method ids); methods not named come after
    method_order: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    #: lightest weighed item the kiosk sells from its scale, in grams
    weigh_min_g: StrictInt = Field(20, ge=1)

    @field_validator("method_order")
    @classmethod
    def _each_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("names a method twice")
        return value


class BackofficeSection(Section):
    #: the store server, ``http://host:port`` or ``https://…``; empty: no back office
    url: str = ""
    token: str = ""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value:
            return value
        scheme, sep, rest = value.partition("://")
        host = rest.split("/", 1)[0]
        if not sep or scheme not in ("http", "https") or not host or " " in value:
            raise ValueError(
                f'must be an http:// or https:// address such as "http://192.168.10.2:8700", '
                f"got {value!r}"
            )
        return value


class StaffAccountSettings(Section):
    name: str = ""
    role: Literal["attendant", "manager"]
    pin_hash: str = Field(min_length=1)

    @field_validator("pin_hash")
    @classmethod
    def _made_by_staff_pin(cls, value: str) -> str:
        """A PIN written in clear (or cut short) would let nobody sign in, found only when
        staff are needed at the kiosk; the file says so at the start instead."""
        from kiosk.staff import pin_hash_problem

        if problem := pin_hash_problem(value):
            raise ValueError(problem)
        return value


class StaffSection(Section):
    lockout_attempts: int = Field(5, ge=1)
    lockout_seconds: float = Field(300.0, ge=0)
    accounts: dict[str, StaffAccountSettings] = Field(default_factory=dict)


class PluginsSection(Section):
    """``[plugins]`` itself; each ``[plugins.<name>]`` table is checked by its plugin."""

    builtin: list[str] | None = None  # None: every built-in plugin

    @field_validator("builtin")
    @classmethod
    def _importable(cls, value: list[str] | None) -> list[str] | None:
        """A misspelt module would only be logged and left out at start-up: a kiosk
        without the payment method the store meant to offer. Name it here instead."""
        from importlib.util import find_spec

        from kiosk.plugins import BUILTIN_PLUGINS

        for name in value or ():
            try:
                found = find_spec(name) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                known = ", ".join(BUILTIN_PLUGINS)
                raise ValueError(f"no plugin module {name!r} (built-in plugins: {known})")
        return value

    #: third-party plugins: tables of entry point, distribution, version (kiosk.plugin_trust)
    allow: list[Any] = Field(default_factory=list)
    #: seconds one plugin's hook call may take before it is abandoned and the plugin disabled
    hook_deadline_s: float = Field(2.0, gt=0)
    #: the same for ``kiosk_startup``/``kiosk_shutdown`` (opening connections, loading keys:
    #: slower, and under load much slower)
    startup_deadline_s: float = Field(20.0, gt=0)


class ReturnsSection(Section):
    """``[returns]``: who may make a return, and up to what amount without a manager."""

    #: the lowest role allowed to make a return
    role: Literal["attendant", "manager"] = "attendant"
    #: a refund above this (yen) needs a manager's PIN as well
    approval_above: StrictInt = Field(10_000, ge=0)
    #: reason codes staff choose from; those in ``damaged_reasons`` go to the damaged bin
    reasons: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=lambda: ["changed_mind", "wrong_item", "damaged", "expired", "other"]
    )
    damaged_reasons: list[str] = Field(default_factory=lambda: ["damaged", "expired"])
    #: the 適格返還請求書 is not printed below this refund (yen; it is always kept)
    invoice_exempt_below: StrictInt = Field(0, ge=0)

    @field_validator("damaged_reasons")
    @classmethod
    def _known_reasons(cls, value: list[str], info: Any) -> list[str]:
        unknown = set(value) - set(info.data.get("reasons", value))
        if unknown:
            raise ValueError(
                f"names reasons not in [returns] reasons: {', '.join(sorted(unknown))}"
            )
        return value


#: Top-level tables with a model here ([plugins] and [ui] are checked in kiosk.config).
SECTIONS: dict[str, type[Section]] = {
    "kiosk": KioskSection,
    "store": StoreSection,
    "checkout": CheckoutSection,
    "backoffice": BackofficeSection,
    "staff": StaffSection,
    "returns": ReturnsSection,
}
