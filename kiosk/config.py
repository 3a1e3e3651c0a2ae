"""Store and kiosk configuration (``kiosk.toml``), validated with errors that name the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.domain.checkout import CheckoutPolicy
from kiosk.domain.receipt import InvalidRegistrationNumber, Issuer
from kiosk.domain.tax import Rounding
from kiosk.plugin_trust import AllowedPlugin, AllowListError, parse_allow_list

DEFAULT_CONFIG = Path(__file__).with_name("default_config.toml")


class ConfigError(ValueError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: [{key}] {problem}")
        self.source, self.key, self.problem = source, key, problem


@dataclass(frozen=True)
class KioskConfig:
    kiosk_id: str
    issuer: Issuer
    data_dir: Path
    language: str = "ja"
    languages: tuple[str, ...] = ("ja", "en", "zh-Hans", "ko")
    hardware_profile: str = "simulated"
    theme: str = "default"
    receipt_width: int = 42
    policy: CheckoutPolicy = field(default_factory=CheckoutPolicy)
    builtin_plugins: tuple[str, ...] | None = None  # None: every built-in
    allowed_plugins: tuple[AllowedPlugin, ...] = ()  # entry point + distribution + version
    plugin_config: dict[str, dict[str, Any]] = field(default_factory=dict)
    open_hardware: bool = False  # open the hardware profile's devices at start
    device_panel_port: int | None = None  # serve the developer device panel on loopback
    backoffice_url: str = ""  # empty: no back office, the kiosk sells standalone
    backoffice_token: str = ""
    key_dir: Path | None = None  # None: $KIOSK_KEY_DIR or <data_dir>-keys (kiosk.keys)
    source: str = "<defaults>"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "kiosk.sqlite3"

    def plugin_settings(self, name: str) -> dict[str, Any]:
        return dict(self.plugin_config.get(name, {}))


def load_config(path: Path | str | None = None, **overrides: Any) -> KioskConfig:
    """Read ``path`` (or the built-in defaults) and apply keyword overrides (e.g. data_dir)."""
    source = Path(path) if path else DEFAULT_CONFIG
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(source), "-", f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(str(source), "-", f"cannot read: {exc.strerror}") from None
    return _parse(data, str(source), overrides)


def _parse(data: dict[str, Any], source: str, overrides: dict[str, Any]) -> KioskConfig:
    def section(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(source, name, "must be a table")
        return value

    kiosk, store, plugins, checkout, backoffice = (
        section(n) for n in ("kiosk", "store", "plugins", "checkout", "backoffice")
    )
    try:
        issuer = Issuer(
            name=_str(store, "name", source, "store"),
            registration_number=_str(store, "registration_number", source, "store"),
            address=store.get("address", ""),
            phone=store.get("phone", ""),
        )
    except InvalidRegistrationNumber as exc:
        raise ConfigError(source, "store.registration_number", str(exc)) from None
    try:
        rounding = Rounding(checkout.get("rounding", "floor"))
    except ValueError:
        raise ConfigError(source, "checkout.rounding", "must be floor, half_up or ceil") from None
    builtins = plugins.get("builtin")
    values = dict(
        kiosk_id=_str(kiosk, "id", source, "kiosk"),
        issuer=issuer,
        data_dir=Path(kiosk.get("data_dir", "var")),
        language=kiosk.get("language", "ja"),
        hardware_profile=kiosk.get("hardware_profile", "simulated"),
        theme=kiosk.get("theme", "default"),
        receipt_width=int(kiosk.get("receipt_width", 42)),
        policy=CheckoutPolicy(
            removal_needs_approval=bool(checkout.get("removal_needs_approval", False)),
            rounding=rounding,
        ),
        builtin_plugins=tuple(builtins) if builtins is not None else None,
        allowed_plugins=_allow_list(plugins.get("allow", ()), source),
        plugin_config={k: v for k, v in plugins.items() if isinstance(v, dict)},
        open_hardware=bool(kiosk.get("open_hardware", False)),
        device_panel_port=kiosk.get("device_panel_port"),
        backoffice_url=backoffice.get("url", ""),
        backoffice_token=backoffice.get("token", ""),
        key_dir=Path(kiosk["key_dir"]) if kiosk.get("key_dir") else None,
        source=source,
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "data_dir" in overrides and overrides["data_dir"] is not None:
        values["data_dir"] = Path(overrides["data_dir"])
    return KioskConfig(**values)


def _allow_list(values: Any, source: str) -> tuple[AllowedPlugin, ...]:
    if not isinstance(values, list | tuple):
        raise ConfigError(source, "plugins.allow", "must be a list of tables")
    try:
        return parse_allow_list(values)
    except AllowListError as exc:
        raise ConfigError(source, "plugins.allow", str(exc)) from None


def _str(table: dict[str, Any], key: str, source: str, section: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(source, f"{section}.{key}", "is required and must be a string")
    return value
