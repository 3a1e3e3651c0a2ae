"""A plugin folder's manifest, ``plugin.toml``: what the plugin is and what it touches.

One plugin = one folder (``plugins/<name>/`` or a vendor's package), and its manifest says,
without importing it: its name and version, the module the kiosk loads, every hook it
implements, the ``[plugins.<table>]`` settings table it reads (``kiosk_plugin_settings``),
the permissions it needs beyond a scoped runtime (:data:`PERMISSIONS`) and its gettext
catalogues (``locale/<lang>/LC_MESSAGES/<domain>.po``), and where its hooks run
(``isolation``: ``"thread"``, the default, or ``"process"``: a worker process the host can
kill, :mod:`kiosk.plugin_worker`). :func:`check_manifest` compares it
with the loaded plugin, so a manifest cannot drift from the code (the built-ins' are checked
by ``tests/plugin_host/test_manifests.py``). A malformed one is one line naming file and key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MANIFEST = "plugin.toml"
LANGUAGES = ("ja", "en", "zh-Hans", "ko")

#: what a plugin may declare it needs (docs/plugins.md, "The manifest")
PERMISSIONS: dict[str, str] = {
    "keys": "its own keys in the store's key directory (runtime.keys)",
    "store": "tables of its own in the kiosk's local store (kiosk_store_migrations)",
    "outbox": "outbox rows of its own kind for the back office",
    "network": "network connections of its own (a payment host, the back office's feeds)",
    "devices": "the kiosk's devices (printer, scanner, camera, card reader)",
    "ui": "screens and overlays in the touch UI (kiosk_ui_screens / kiosk_ui_overlays)",
    "backoffice": "routers, pages, tables and event handlers in the back office",
    "cli": "kiosk subcommands (kiosk_cli_commands)",
    "backoffice_api": "calls to the back office's API as this kiosk (config.backoffice_token)",
    # grants nothing now: no plugin gets the host; a plugin's screens and commands find
    # their plugin with runtime.plugin_api(name). Kept so older manifests still load.
    "host": "nothing (no plugin gets the host; kept so older manifests load)",
}


#: the hooks a plugin with ``isolation = "process"`` may implement: their arguments are data
#: (or ``runtime``, which the worker gets as a restricted context), never live objects
PROCESS_HOOKS = frozenset(
    {
        "kiosk_startup",
        "kiosk_shutdown",
        "kiosk_masterdata_applied",
        "kiosk_payment_methods",
        "kiosk_receipt_sections",
        "kiosk_sale_completed",
        "kiosk_return_completed",
        "kiosk_device_status",
    }
)


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the file and the key."""


class Translations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    domain: str
    languages: tuple[str, ...] = LANGUAGES


class Manifest(BaseModel):
    """``plugin.toml``; ``extra="forbid"``, so a misspelt key is named."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=64)
    version: str = Field(min_length=1)
    module: str = Field(min_length=1)
    description: str = ""
    hooks: tuple[str, ...]
    settings: str | None = None
    permissions: tuple[str, ...] = ()
    translations: Translations | None = None
    #: ``"process"``: the hooks run in a worker process the host kills on a hang
    isolation: Literal["thread", "process"] = "thread"


def load_manifest(folder: Path) -> Manifest:
    """Read and check ``folder/plugin.toml``."""
    path = folder / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest.model_validate(data)
    except FileNotFoundError:
        raise ManifestError(f"{path}: no manifest") from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not TOML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ManifestError(f"{path}: {key}: {first['msg']}") from None
    unknown = [p for p in manifest.permissions if p not in PERMISSIONS]
    if unknown:
        raise ManifestError(f"{path}: permissions: unknown {', '.join(unknown)}")
    if manifest.isolation == "process":
        live = sorted(set(manifest.hooks) - PROCESS_HOOKS)
        if live:
            raise ManifestError(
                f"{path}: hooks: {', '.join(live)} cannot run in a worker process"
                ' (isolation = "process"): their arguments are live kiosk objects'
            )
    return manifest


def implemented_hooks(plugin: Any) -> set[str]:
    """The kiosk hooks ``plugin`` (a module or object) implements."""
    return {
        name
        for name in dir(plugin)
        if name.startswith("kiosk_") and hasattr(getattr(plugin, name), "kiosk_impl")
    }


def check_manifest(folder: Path, plugin: Any, settings_table: str | None) -> list[str]:
    """What in ``folder``'s manifest does not match the loaded ``plugin`` (empty: all does).

    ``settings_table``: the table name its ``kiosk_plugin_settings`` returns, if any.
    """
    manifest = load_manifest(folder)
    problems = []
    hooks = implemented_hooks(plugin)
    if set(manifest.hooks) != hooks:
        missing, extra = sorted(hooks - set(manifest.hooks)), sorted(set(manifest.hooks) - hooks)
        problems.append(f"hooks: not listed {missing}, listed but not implemented {extra}")
    if manifest.settings != settings_table:
        problems.append(f"settings: {manifest.settings!r}, the plugin reads {settings_table!r}")
    if manifest.translations is None and (folder / "locale").is_dir():
        problems.append("translations: the plugin has locale/ but the manifest declares none")
    if manifest.translations is not None:
        lacking = [lang for lang in LANGUAGES if lang not in manifest.translations.languages]
        if lacking:
            problems.append(f"translations: every shopper language is needed, not {lacking}")
        for language in manifest.translations.languages:
            po = folder / "locale" / language / "LC_MESSAGES" / f"{manifest.translations.domain}.po"
            if not po.is_file():
                problems.append(f"translations: no {po.relative_to(folder)}")
    return problems
