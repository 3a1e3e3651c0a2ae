"""Store and kiosk configuration (``kiosk.toml``): layered, validated, errors that name the key.

Layers, lowest first; a later layer wins key by key (tables merge, values replace):

1. built-in defaults — the field defaults of the section models in :mod:`kiosk.config_schema`;
2. the demo store, ``kiosk/default_config.toml`` — only when no file is given, or for
   ``kiosk demo`` (it asks for simulators explicitly);
3. the site file, ``--config /etc/kiosk/kiosk.toml``;
4. environment variables ``KIOSK_<SECTION>__<KEY>`` (``__`` between levels, any case):
   ``KIOSK_BACKOFFICE__TOKEN=…``, ``KIOSK_PLUGINS__PAY_CARD__HOST=10.0.0.5``. A value that
   starts with ``[`` or ``{`` is read as a TOML array / inline table, anything else as text
   (numbers and booleans in text are converted by the section's model);
5. keyword overrides from code (``--data-dir``, tests).

Every section and key is checked against a typed model; an unknown or bad value is a
:class:`ConfigError` whose one-line message names the file (or environment variable) it came
from, the section and the key — all problems at once, separated by ``; ``. A plugin's own
table (``[plugins.<name>]``) is checked by the model that plugin declares
(``kiosk_plugin_settings``) once the plugins are loaded: :func:`check_plugin_settings`.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from kiosk.config_schema import SECTIONS, PluginsSection, ReturnsSection
from kiosk.domain.checkout import CheckoutPolicy
from kiosk.domain.receipt import InvalidRegistrationNumber, Issuer
from kiosk.domain.tax import Rounding
from kiosk.plugin_trust import AllowedPlugin, AllowListError, parse_allow_list

#: The demo store (a complete kiosk.toml): the layer used when no file is given.
DEFAULT_CONFIG = Path(__file__).with_name("default_config.toml")
DEMO_CONFIG = DEFAULT_CONFIG
ENV_PREFIX = "KIOSK_"
BUILTIN = "<built-in defaults>"
_SECRET_KEYS = ("token", "secret", "key", "password", "pin_hash")
DEFAULT_TIME_ZONE = "Asia/Tokyo"


class ConfigError(ValueError):
    """The configuration is wrong. ``problems`` lists ``(source, key, problem)``; ``key`` is
    ``section.key`` (dotted for plugin tables: ``plugins.pay_card.host``)."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.problems: list[tuple[str, str, str]] = [(source, key, problem)]
        self.source, self.key, self.problem = source, key, problem
        super().__init__(self._line())

    @classmethod
    def many(cls, problems: list[tuple[str, str, str]]) -> ConfigError:
        error = cls(*problems[0])
        error.problems = list(problems)
        error.args = (error._line(),)
        return error

    def _line(self) -> str:
        # a problem with the whole file (missing, not TOML) has no key: none is shown
        return "; ".join(
            f"{src}: [{key}] {problem}" if key else f"{src}: {problem}"
            for src, key, problem in self.problems
        )


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
    plugin_hook_deadline_s: float = 2.0  # [plugins] hook_deadline_s
    plugin_startup_deadline_s: float = 20.0  # [plugins] startup_deadline_s
    open_hardware: bool = False  # open the hardware profile's devices at start
    device_panel_port: int | None = None  # serve the developer device panel on loopback
    backoffice_url: str = ""  # empty: no back office, the kiosk sells standalone
    backoffice_token: str = ""
    ui: dict[str, Any] = field(default_factory=dict)  # [ui], validated (kiosk.ui.settings)
    key_dir: Path | None = None  # None: $KIOSK_KEY_DIR or <data_dir>-keys (kiosk.keys)
    method_order: tuple[str, ...] = ()  # payment tiles first in this order ([checkout])
    weigh_min_g: int = 20  # lightest weighed item the kiosk sells from its scale ([checkout])
    revenue_stamp_note: str = ""  # [store]: printed on a 領収書 when a stamp is due
    revenue_stamp_methods: tuple[str, ...] = ("cash",)  # [store]: money for the stamp rule
    formal_receipt_provisos: tuple[str, ...] = ("お品代として", "飲食代として", "事務用品代として")
    #: [store] addressee_words: the store's kana → kanji for the 領収書 addressee pad
    addressee_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "<defaults>"
    #: where each value came from: ("plugins", "pay_card", "host") → file or variable name
    origins: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False, repr=False)
    #: every layer's source, lowest first (the demo store's file when it is one of them)
    layers: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: the store's IANA time zone: receipt times and business dates are the store's wall
    #: clock, whatever zone the machine was installed with (often UTC)
    time_zone: str = DEFAULT_TIME_ZONE
    #: [returns]: who may make returns and the amount above which a manager approves
    returns: ReturnsSection = field(default_factory=ReturnsSection)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "kiosk.sqlite3"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def now(self) -> datetime:
        """The store's wall-clock time, naive (as the store has always recorded it)."""
        return datetime.now(self.zone).replace(tzinfo=None)

    @property
    def demo_store(self) -> bool:
        """The built-in demo store is one of this configuration's layers (``kiosk demo``, or
        no --config): only then may the demo staff PINs unlock the kiosk."""
        return self.source in ("<defaults>", str(DEMO_CONFIG)) or str(DEMO_CONFIG) in self.layers

    def plugin_settings(self, name: str) -> dict[str, Any]:
        return dict(self.plugin_config.get(name, {}))

    def origin(self, *path: str) -> str:
        """The file or environment variable that set ``path`` (or its nearest table)."""
        for end in range(len(path), 0, -1):
            found = self.origins.get(tuple(path[:end]))
            if found:
                return found
        return self.source


def load_config(
    path: Path | str | None = None,
    *,
    demo: bool = False,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> KioskConfig:
    """The layered configuration (see the module docstring); ``overrides`` go on top."""
    layers: list[tuple[str, dict[str, Any]]] = []
    if path is None or demo:
        layers.append((str(DEFAULT_CONFIG), read_toml(DEFAULT_CONFIG)))
    if path is not None:
        layers.append((str(path), read_toml(Path(path))))
    layers += env_layers(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    origins: dict[tuple[str, ...], str] = {}
    for source, layer in layers:
        merge(data, layer, origins, source)
    top = str(path) if path is not None else str(DEFAULT_CONFIG)
    config = _parse(data, origins, top, overrides)
    return dataclasses.replace(config, layers=tuple(source for source, _ in layers))


def current_backoffice_token(config: KioskConfig) -> str:
    """``[backoffice] token`` as ``config``'s file and the environment give it now: staff who
    re-enrolled the kiosk put the new token in kiosk.toml while it runs (the sync thread reads
    it again, :class:`kiosk.sync.service.SyncService`). Raises :class:`ConfigError` for a file
    that does not read (half edited)."""
    demo = str(DEFAULT_CONFIG) in config.layers
    path = None if config.source in (str(DEFAULT_CONFIG), "<defaults>") else config.source
    return load_config(path, demo=demo and path is not None).backoffice_token


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"not valid TOML: {exc}") from None
    except FileNotFoundError:
        raise ConfigError(
            str(path), "", "no such configuration file (give the right path with --config)"
        ) from None
    except OSError as exc:
        raise ConfigError(
            str(path), "", f"cannot read the configuration file: {exc.strerror or exc}"
        ) from None


def env_layers(environ: Mapping[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """One layer per ``KIOSK_<SECTION>__<KEY>`` variable (sorted, so the result is stable)."""
    layers = []
    for name in sorted(environ):
        if not name.upper().startswith(ENV_PREFIX) or "__" not in name:
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX) :].split("__")]
        if not all(parts):
            continue
        layer: dict[str, Any] = {}
        table = layer
        for part in parts[:-1]:
            table = table.setdefault(part, {})
        table[parts[-1]] = _env_value(name, environ[name])
        layers.append((f"environment {name}", layer))
    return layers


def _env_value(name: str, text: str) -> Any:
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        try:
            return tomllib.loads(f"v = {stripped}")["v"]
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"environment {name}", "", f"not a TOML value: {exc}") from None
    return text


def merge(
    into: dict[str, Any],
    layer: Mapping[str, Any],
    origins: dict[tuple[str, ...], str],
    source: str,
    prefix: tuple[str, ...] = (),
) -> None:
    """Merge ``layer`` into ``into`` key by key, noting in ``origins`` who set what."""
    for key, value in layer.items():
        path = (*prefix, key)
        origins[path] = source
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value, origins, source, path)
        else:
            into[key] = copy.deepcopy(value)
            _mark(value, origins, source, path)


def _mark(value: Any, origins: dict[tuple[str, ...], str], source: str, path: tuple) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            origins[(*path, key)] = source
            _mark(inner, origins, source, (*path, key))


def _parse(
    data: dict[str, Any],
    origins: dict[tuple[str, ...], str],
    top: str,
    overrides: dict[str, Any],
) -> KioskConfig:
    problems: list[tuple[str, str, str]] = []

    def where(*path: str) -> str:
        for end in range(len(path), 0, -1):
            if tuple(path[:end]) in origins:
                return origins[tuple(path[:end])]
        return top

    for name in data:
        if name not in SECTIONS and name not in ("plugins", "ui"):
            known = ", ".join(sorted([*SECTIONS, "plugins", "ui"]))
            problems.append((where(name), name, f"unknown section (known: {known})"))
    sections: dict[str, Any] = {}
    for name, model in SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            problems.append((where(name), name, "must be a table"))
            continue
        value = validate_table(model, table, (name,), where, problems)
        if value is not None:
            sections[name] = value
    plugins_table = data.get("plugins", {})
    plugin_config: dict[str, dict[str, Any]] = {}
    plugins = None
    if not isinstance(plugins_table, dict):
        problems.append((where("plugins"), "plugins", "must be a table"))
    else:
        own = {k: v for k, v in plugins_table.items() if not isinstance(v, dict)}
        plugin_config = {k: v for k, v in plugins_table.items() if isinstance(v, dict)}
        plugins = validate_table(PluginsSection, own, ("plugins",), where, problems)
    ui_table = data.get("ui", {})
    ui = _validate_ui(ui_table, where, problems) if isinstance(ui_table, dict) else {}
    issuer = None
    store = sections.get("store")
    if store is not None:
        try:
            issuer = Issuer(store.name, store.registration_number, store.address, store.phone)
        except InvalidRegistrationNumber as exc:
            key = "store.registration_number"
            problems.append((where("store", "registration_number"), key, str(exc)))
    allowed: tuple[AllowedPlugin, ...] = ()
    if plugins is not None:
        try:
            allowed = parse_allow_list(plugins.allow)
        except AllowListError as exc:
            problems.append((where("plugins", "allow"), "plugins.allow", str(exc)))
    backoffice_section = sections.get("backoffice")
    if backoffice_section is not None and backoffice_section.url and not backoffice_section.token:
        # Found here rather than by the relay: with an empty bearer every sync is refused, the
        # kiosk takes itself for offline and hides card and QR payment (the file and
        # environment are merged by now, so a token given as KIOSK_BACKOFFICE__TOKEN counts).
        problems.append(
            (
                where("backoffice", "url"),
                "backoffice.token",
                "missing: [backoffice] url is set, so the kiosk needs its token "
                "(kiosk-backoffice enrol-kiosk ID prints it; give it as "
                "KIOSK_BACKOFFICE__TOKEN=… or token = … under [backoffice])",
            )
        )
    if problems:
        raise ConfigError.many(problems)
    kiosk, checkout, backoffice = sections["kiosk"], sections["checkout"], sections["backoffice"]
    assert issuer is not None and plugins is not None
    values: dict[str, Any] = dict(
        kiosk_id=kiosk.id,
        issuer=issuer,
        data_dir=Path(kiosk.data_dir),
        language=kiosk.language,
        hardware_profile=kiosk.hardware_profile,
        theme=kiosk.theme,
        receipt_width=kiosk.receipt_width,
        policy=CheckoutPolicy(
            removal_needs_approval=checkout.removal_needs_approval,
            rounding=Rounding(checkout.rounding),
        ),
        builtin_plugins=tuple(plugins.builtin) if plugins.builtin is not None else None,
        allowed_plugins=allowed,
        plugin_config=plugin_config,
        plugin_hook_deadline_s=plugins.hook_deadline_s,
        plugin_startup_deadline_s=plugins.startup_deadline_s,
        open_hardware=kiosk.open_hardware,
        device_panel_port=kiosk.device_panel_port,
        backoffice_url=backoffice.url,
        backoffice_token=backoffice.token,
        revenue_stamp_note=sections["store"].revenue_stamp_note,
        revenue_stamp_methods=tuple(sections["store"].revenue_stamp_methods),
        formal_receipt_provisos=tuple(sections["store"].formal_receipt_provisos),
        addressee_words={
            reading: tuple(words) for reading, words in sections["store"].addressee_words.items()
        },
        ui=ui,
        source=top,
        origins=origins,
        time_zone=sections["store"].time_zone,
        key_dir=Path(kiosk.key_dir) if kiosk.key_dir else None,
        method_order=tuple(checkout.method_order),
        weigh_min_g=checkout.weigh_min_g,
        returns=sections["returns"],
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    if overrides.get("data_dir") is not None:
        values["data_dir"] = Path(overrides["data_dir"])
    return KioskConfig(**values)


def validate_table(
    model: type[BaseModel],
    table: Mapping[str, Any],
    path: tuple[str, ...],
    where: Any,
    problems: list[tuple[str, str, str]],
) -> BaseModel | None:
    """``model.model_validate(table)``; each error is added to ``problems`` with its origin.

    A value of the wrong TOML type is refused, not converted: ``receipt_width = "42"`` (a
    string for a number), ``open_hardware = 1`` or ``"true"`` (for a boolean), ``name = 5``
    (a number for a string). pydantic's lax mode would quietly take them, so each table is
    checked strictly for these scalar types too. An environment variable is text by nature
    (``KIOSK_KIOSK__RECEIPT_WIDTH=42``): its value is still converted.
    """
    try:
        value = model.model_validate(dict(table))
    except ValidationError as exc:
        problems += describe_errors(exc.errors(include_url=False), model, path, where)
        return None
    try:
        model.model_validate(dict(table), strict=True)
    except ValidationError as exc:
        wrong = [
            error
            for error in exc.errors(include_url=False)
            if error["type"] in WRONG_TYPE_ERRORS
            and not where(*path, *map(str, error["loc"])).startswith("environment ")
        ]
        if wrong:
            problems += describe_errors(wrong, model, path, where)
            return None
    return value


#: strict-mode errors of a scalar given as another TOML type (other strict errors, such as a
#: list for a tuple or a string for a path, are conversions TOML cannot avoid: allowed)
WRONG_TYPE_ERRORS = frozenset({"int_type", "bool_type", "float_type", "string_type"})


def describe_errors(
    errors: Iterable[Any], model: type[BaseModel], path: tuple[str, ...], where: Any
) -> list[tuple[str, str, str]]:
    """pydantic's errors as ``(source, dotted key, problem)``, one line each."""
    out = []
    for error in errors:
        loc = tuple(str(part) for part in error["loc"])
        full = (*path, *loc)
        key = ".".join(full)
        kind = error["type"]
        if kind == "extra_forbidden":
            known = ", ".join(sorted(model.model_fields)) if len(loc) == 1 else ""
            problem = f"unknown key (known: {known})" if known else "unknown key"
        elif kind == "missing":
            problem = "missing: this key is required"
        elif kind == "value_error":  # our own validators already say what they got
            problem = str(error["msg"]).removeprefix("Value error, ")
        else:
            problem = f"{error['msg']}, got {_shown(full, error.get('input'))}"
        out.append((where(*full), key, problem))
    return out


def _shown(path: tuple[str, ...], value: Any) -> str:
    if any(part in path[-1] for part in _SECRET_KEYS):
        return f"a {type(value).__name__} (hidden)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _validate_ui(
    table: dict[str, Any], where: Any, problems: list[tuple[str, str, str]]
) -> dict[str, Any]:
    # the shell's own dataclass is the schema (kiosk.ui.settings imports no Kivy)
    from pydantic import TypeAdapter

    from kiosk.ui.settings import UiSettings

    known = {f.name for f in fields(UiSettings)}
    unknown = sorted(set(table) - known)
    for key in unknown:
        problems.append(
            (where("ui", key), f"ui.{key}", f"unknown key (known: {', '.join(sorted(known))})")
        )
    given = {k: v for k, v in table.items() if k in known}
    try:
        checked = TypeAdapter(UiSettings).validate_python(given)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            key = ".".join(str(p) for p in ("ui", *error["loc"]))
            problems.append(
                (
                    where("ui", *map(str, error["loc"])),
                    key,
                    f"{error['msg']}, got {error['input']!r}",
                )
            )
        return {}
    # a wrong TOML type in a file is refused, as in every other table (validate_table); the
    # dataclass is strict only about its own type, so each key is checked on its own
    hints = get_type_hints(UiSettings)
    wrong = []
    for key, value in given.items():
        if where("ui", key).startswith("environment "):
            continue
        try:
            TypeAdapter(hints[key]).validate_python(value, strict=True)
        except ValidationError as exc:
            wrong += [
                {**error, "loc": (key, *error["loc"])}
                for error in exc.errors(include_url=False)
                if error["type"] in WRONG_TYPE_ERRORS
            ]
    if wrong:
        problems += describe_errors(wrong, BaseModel, ("ui",), where)
        return {}
    return {k: getattr(checked, k) for k in given}  # converted ("141" from the environment)


# --- plugin tables ------------------------------------------------------------------------------


def check_plugin_settings(
    config: KioskConfig, declared: Iterable[tuple[str, Any]], loaded: Iterable[str] = ()
) -> None:
    """Check each ``[plugins.<name>]`` table against the model its plugin declared.

    ``declared`` is what the loaded plugins answered to ``kiosk_plugin_settings``: pairs of
    (table name, pydantic model or None). A table that no loaded plugin declares is an error
    (a misspelt plugin name) unless it is named after a loaded plugin that declares nothing
    (``loaded``: a third-party plugin from before the hook) or after a built-in plugin left
    out of ``[plugins] builtin``; those are passed through as they are.
    Raises :class:`ConfigError` naming every problem.
    """
    models = {
        item[0]: item[1]
        for item in declared
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
    }
    # a built-in left out of [plugins] builtin may keep its table: not a misspelling
    unchecked = set(loaded) | (builtin_tables() - set(models))
    problems: list[tuple[str, str, str]] = []
    for name, table in config.plugin_config.items():
        path = ("plugins", name)
        if name not in models and name in unchecked:
            continue
        if name not in models:
            known = ", ".join(sorted(models)) or "none"
            problems.append(
                (
                    config.origin(*path),
                    ".".join(path),
                    f"no loaded plugin reads this table (plugin tables: {known})",
                )
            )
            continue
        if models[name] is not None:
            validate_table(models[name], table, path, config.origin, problems)
    if problems:
        raise ConfigError.many(problems)


def builtin_tables() -> set[str]:
    """The table names of the built-in plugins (``plugins.pay_card`` → ``pay_card``,
    ``plugins.scanner_camera.plugin`` → ``scanner_camera``)."""
    from kiosk.plugins import BUILTIN_PLUGINS

    return {[p for p in name.split(".") if p != "plugin"][-1] for name in BUILTIN_PLUGINS}


def plugin_settings_model(config: KioskConfig, name: str, model: type[BaseModel]) -> Any:
    """The plugin's table as its model (already checked at start-up: errors name the key)."""
    problems: list[tuple[str, str, str]] = []
    value = validate_table(
        model, config.plugin_settings(name), ("plugins", name), config.origin, problems
    )
    if problems:
        raise ConfigError.many(problems)
    return value


def valid_time_zone(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
