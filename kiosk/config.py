"""Store and kiosk configuration (``kiosk.toml``), validated with errors that name the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.domain.checkout import CheckoutPolicy
from kiosk.domain.receipt import InvalidRegistrationNumber, Issuer
from kiosk.domain.tax import Rounding

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
    allowed_plugins: tuple[str, ...] = ()
    plugin_config: dict[str, dict[str, Any]] = field(default_factory=dict)
    open_hardware: bool = False  # open the hardware profile's devices at start
    device_panel_port: int | None = None  # serve the developer device panel on loopback
    backoffice_url: str = ""  # empty: no back office, the kiosk sells standalone
    backoffice_token: str = ""
    method_order: tuple[str, ...] = ()  # payment tiles first in this order ([checkout])
    weigh_min_g: int = 20  # lightest weighed item the kiosk sells from its scale ([checkout])
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
    method_order = checkout.get("method_order", [])
    if not isinstance(method_order, list) or not all(
        isinstance(m, str) and m for m in method_order
    ):
        raise ConfigError(
            source, "checkout.method_order", 'must be a list of method ids, e.g. ["cash", "card"]'
        )
    if len(set(method_order)) != len(method_order):
        raise ConfigError(source, "checkout.method_order", "names a method twice")
    weigh_min_g = checkout.get("weigh_min_g", 20)
    if isinstance(weigh_min_g, bool) or not isinstance(weigh_min_g, int) or weigh_min_g < 1:
        raise ConfigError(source, "checkout.weigh_min_g", "must be a whole number of grams ≥ 1")
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
        allowed_plugins=tuple(plugins.get("allow", ())),
        plugin_config={k: v for k, v in plugins.items() if isinstance(v, dict)},
        open_hardware=bool(kiosk.get("open_hardware", False)),
        device_panel_port=kiosk.get("device_panel_port"),
        backoffice_url=backoffice.get("url", ""),
        backoffice_token=backoffice.get("token", ""),
        method_order=tuple(method_order),
        weigh_min_g=weigh_min_g,
        source=source,
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "data_dir" in overrides and overrides["data_dir"] is not None:
        values["data_dir"] = Path(overrides["data_dir"])
    return KioskConfig(**values)


def _str(table: dict[str, Any], key: str, source: str, section: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(source, f"{section}.{key}", "is required and must be a string")
    return value
