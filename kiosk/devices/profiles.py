"""Hardware profiles: ``hardware_profiles/<name>.toml`` → configured, opened devices.

A profile names the kiosk model and maps each *role* to a driver::

    [kiosk]
    model = "Epson TM + serial changer"

    [devices.printer]              # standard roles need no "class"
    driver = "escpos"
    connection = "tcp://192.168.0.50:9100"
    options = { columns = 42, text_mode = "kanji" }

Standard roles: see :data:`ROLE_CLASSES`. Other role names (``sub_scanner``) are allowed with
an explicit ``class``. Validation is by hand (stdlib ``tomllib``); every problem raises a
:class:`ProfileError` naming the file, the key and what is wrong.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.devices.base import Device
from kiosk.devices.errors import DeviceError
from kiosk.devices.registry import DEVICE_CLASSES, DriverRegistry, UnknownDriver, default_registry

log = logging.getLogger(__name__)

#: Role → device class. These become attributes of :class:`Devices`.
ROLE_CLASSES: dict[str, str] = {
    "main_scanner": "Scanner",
    "camera": "Camera",
    "printer": "POSPrinter",
    "changer": "CashChanger",
    "terminal": "PaymentTerminal",
    "display": "LineDisplay",
    "light": "CallLight",
    "scale": "Scale",
    "member_reader": "MemberCardReader",
}
DEVICE_KEYS = {"class", "driver", "connection", "options", "enabled", "watch"}
_ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

#: Where profiles are looked up by name ($KIOSK_HARDWARE_PROFILES overrides).
PROFILE_DIR = Path(__file__).resolve().parents[2] / "hardware_profiles"


class ProfileError(ValueError):
    """A hardware profile is wrong. ``path``, ``key`` and ``problem`` say where and what."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        where = f" [{key}]" if key else ""
        super().__init__(f"{path}{where}: {problem}")


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    role: str
    device_class: str
    driver: str
    connection: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    enabled: bool = True
    #: a /dev/serial/by-id path whose appearance reopens this device (defaults to connection)
    watch: str | None = None


@dataclass(frozen=True, slots=True)
class HardwareProfile:
    name: str
    model: str
    path: Path
    devices: dict[str, DeviceConfig]
    description: str = ""


def profile_dir() -> Path:
    return Path(os.environ.get("KIOSK_HARDWARE_PROFILES", PROFILE_DIR))


def available_profiles() -> list[str]:
    return sorted(p.stem for p in profile_dir().glob("*.toml"))


def load_profile(name_or_path: str | Path) -> HardwareProfile:
    """Load and validate a profile by name (``"simulated"``) or by path."""
    text = str(name_or_path)
    path = Path(text)
    if not (text.endswith(".toml") or path.exists() or os.sep in text):
        path = profile_dir() / f"{text}.toml"
        if not path.exists():
            known = ", ".join(available_profiles()) or "none"
            raise ProfileError(path, "", f"no hardware profile {text!r} (available: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(path, "", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "", f"not valid TOML: {exc}") from None
    return parse_profile(data, path)


def _expect(path: Path, key: str, value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ProfileError(path, key, f"must be {what}, not {type(value).__name__} {value!r}")
    return value


def parse_profile(data: Mapping[str, Any], path: Path) -> HardwareProfile:
    """Validate parsed TOML (see the module docstring for the shape)."""
    unknown = set(data) - {"kiosk", "devices"}
    if unknown:
        raise ProfileError(
            path, sorted(unknown)[0], "unknown top-level table; use [kiosk] and [devices.<role>]"
        )
    kiosk = _expect(path, "kiosk", data.get("kiosk"), dict, 'a table with model = "..."')
    model = _expect(path, "kiosk.model", kiosk.get("model"), str, "a string (the kiosk model)")
    description = _expect(path, "kiosk.description", kiosk.get("description", ""), str, "a string")
    extra = set(kiosk) - {"model", "description"}
    if extra:
        raise ProfileError(path, f"kiosk.{sorted(extra)[0]}", "unknown key")
    tables = _expect(path, "devices", data.get("devices"), dict, "a table of [devices.<role>]")
    if not tables:
        raise ProfileError(path, "devices", "no devices: add at least one [devices.<role>]")
    devices = {role: _parse_device(path, role, table) for role, table in tables.items()}
    return HardwareProfile(path.stem, model, path, devices, description)


def _parse_device(path: Path, role: str, table: Any) -> DeviceConfig:
    key = f"devices.{role}"
    if not _ROLE_NAME.match(role):
        raise ProfileError(path, key, "role names are lower_snake_case")
    table = _expect(path, key, table, dict, "a table")
    extra = set(table) - DEVICE_KEYS
    if extra:
        raise ProfileError(
            path,
            f"{key}.{sorted(extra)[0]}",
            f"unknown key; allowed: {', '.join(sorted(DEVICE_KEYS))}",
        )
    standard = ROLE_CLASSES.get(role)
    device_class = table.get("class", standard)
    if device_class is None:
        raise ProfileError(
            path,
            f"{key}.class",
            f'missing: roles other than {", ".join(ROLE_CLASSES)} need class = "Scanner" (etc.)',
        )
    _expect(path, f"{key}.class", device_class, str, "a string")
    if device_class not in DEVICE_CLASSES:
        raise ProfileError(
            path,
            f"{key}.class",
            f"unknown device class {device_class!r}; one of {', '.join(DEVICE_CLASSES)}",
        )
    if standard is not None and device_class != standard:
        raise ProfileError(
            path, f"{key}.class", f"the {role} role is a {standard}, not a {device_class}"
        )
    if "driver" not in table:
        raise ProfileError(path, f"{key}.driver", 'missing: name the driver, e.g. driver = "sim"')
    driver = _expect(path, f"{key}.driver", table["driver"], str, "a string")
    connection = _expect(path, f"{key}.connection", table.get("connection", ""), str, "a string")
    options = _expect(path, f"{key}.options", table.get("options", {}), dict, "a table")
    enabled = _expect(path, f"{key}.enabled", table.get("enabled", True), bool, "true or false")
    watch = table.get("watch")
    if watch is not None:
        _expect(path, f"{key}.watch", watch, str, "a device path")
    return DeviceConfig(role, device_class, driver, connection, options, enabled, watch)


class Devices:
    """The opened devices of one kiosk, one attribute per role (None when absent)."""

    main_scanner: Any
    camera: Any
    printer: Any
    changer: Any
    terminal: Any
    display: Any
    light: Any
    scale: Any
    member_reader: Any

    def __init__(self, profile: HardwareProfile, devices: dict[str, Device]) -> None:
        self.profile = profile
        self.by_role = dict(devices)
        #: roles whose device did not come up, with the error (the device stays in ERROR)
        self.errors: dict[str, DeviceError] = {}
        #: in-process simulators a payment plugin runs for a role the profile has no device
        #: for (the e-money reader, the QR wallet provider): role → (class name, simulator).
        #: The developer device panel lists them and its actions drive these very objects.
        self.simulators: dict[str, tuple[str, Any]] = {}
        for role in ROLE_CLASSES:
            setattr(self, role, devices.get(role))

    def __getattr__(self, role: str) -> Device:
        try:
            return self.__dict__["by_role"][role]
        except KeyError:
            raise AttributeError(role) from None

    def __iter__(self) -> Iterator[tuple[str, Device]]:
        return iter(self.by_role.items())

    def add_simulator(self, role: str, device_class: str, simulator: Any) -> None:
        """Put a plugin's simulator on the device panel as ``role`` (training mode only:
        plugins call this only when they run a simulator)."""
        if role in self.by_role:
            raise ValueError(f"role {role!r} is a device of the profile, not a simulator")
        self.simulators[role] = (device_class, simulator)

    def reopen(self, role: str) -> bool:
        """Bring a role's device back after a re-plug; True when it works again."""
        device = self.by_role[role]
        back = device.recover()
        if back:
            self.errors.pop(role, None)
        return back

    def close_all(self) -> None:
        """Close every device (never raises; errors are logged)."""
        for role, device in self.by_role.items():
            try:
                if device.state != "closed":
                    device.close()
            except Exception:
                log.exception("closing %s failed", role)


def check_devices(profile: HardwareProfile, registry: DriverRegistry | None = None) -> None:
    """Build every enabled device of ``profile`` without opening it (no I/O): an unknown
    driver or a bad option raises :class:`ProfileError` here, at ``kiosk run --check`` (the
    systemd unit's ExecStartPre), not first when the kiosk starts."""
    registry = registry or default_registry()
    for role, config in profile.devices.items():
        if config.enabled:
            _create(registry, profile, role, config)


def _create(
    registry: DriverRegistry, profile: HardwareProfile, role: str, config: DeviceConfig
) -> Device:
    key = f"devices.{role}"
    try:
        return registry.create(
            config.device_class, config.driver, config.connection, config.options, name=role
        )
    except UnknownDriver as exc:
        raise ProfileError(profile.path, f"{key}.driver", str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise ProfileError(profile.path, f"{key}.options", str(exc)) from None


def open_devices(profile: HardwareProfile, registry: DriverRegistry | None = None) -> Devices:
    """Create, open, claim and enable every enabled device of ``profile``.

    A configuration mistake (unknown driver, bad option) raises :class:`ProfileError` after
    closing what was opened. A device that is configured right but not answering (unplugged)
    does not stop the kiosk: it stays in ERROR, its error is in ``Devices.errors`` and the
    by-id watcher / :meth:`Devices.reopen` bring it back.
    """
    registry = registry or default_registry()
    devices = Devices(profile, {})
    for role, config in profile.devices.items():
        if not config.enabled:
            continue
        try:
            device = _create(registry, profile, role, config)
        except ProfileError:
            devices.close_all()
            raise
        devices.by_role[role] = device
        if role in ROLE_CLASSES:
            setattr(devices, role, device)
        try:
            device.open()
        except DeviceError as exc:
            devices.errors[role] = exc
            log.warning("%s did not open: %s", role, exc)
        device.claim()
        try:
            device.enable()
        except DeviceError as exc:
            devices.errors.setdefault(role, exc)
    return devices
