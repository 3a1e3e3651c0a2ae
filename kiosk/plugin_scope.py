"""What a plugin sees of the kiosk: its own settings, keys and values, nobody else's.

Every plugin — a built-in under ``plugins/`` exactly like one loaded from an entry point or
a folder — gets a :class:`ScopedRuntime` as every hook's ``runtime`` (inside its door,
:mod:`kiosk.plugin_door`):

- ``runtime.config`` is a :class:`ScopedConfig`: the kiosk's public facts (id, issuer,
  language, policy…), ``plugin_settings(own name)`` only — asking for another plugin's
  section raises :class:`PluginAccessDenied` — no ``plugin_config`` or allow-list, and the
  back office's token only to a plugin whose manifest declares ``"backoffice_api"``;
- ``runtime.keys`` is that plugin's :class:`kiosk.keys.PluginKeys`: keys named after it,
  in the store's key directory, never the loyalty, tax-free or hand-off keys;
- ``runtime.stored_value(key)`` / ``runtime.store_value(key, value)`` take only keys in the
  plugin's own namespace, ``"<name>.<rest>"`` (``pay_card.offline_used``), and the cursor
  of the back office's feed topic named after it (``sync.feed.<name>``,
  :class:`kiosk.sync.feed.FeedPuller`): the same rows the unscoped calls kept before, so
  values kept by an older version are read as they were;
- ``runtime.device(role)`` is the hardware profile's device in ``role`` (``changer``,
  ``terminal``, ``member_reader``…) for a plugin whose manifest declares ``"devices"``;
- ``runtime.plugin_api(name)`` is what the plugin publishes for its own screens and
  command-line helpers (its ``plugin_api()``), for its own name only;
- ``runtime.host`` (every other plugin), ``store``, ``checkout``, ``ledger``, ``devices``
  (all of them at once) and private attributes are not there: the sale is changed through
  the runtime's named methods (:class:`kiosk.plugin_context.PluginContext`).

This is least privilege, not a sandbox: Python code in the kiosk's process can reach
anything the process can (walk objects, open files the kiosk user can read). It stops a
plugin from receiving secrets it was never meant to have, and makes what one reads a
visible choice; trusting the code itself is what the allow-list's pinned distribution,
version and hash are for (:mod:`kiosk.plugin_trust`). See docs/security.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kiosk.keys import PluginKeys, key_dir


class PluginAccessDenied(PermissionError):
    """A plugin asked for something that belongs to the kiosk or to another plugin."""


class HiddenFromPlugin(AttributeError):
    """An attribute a plugin does not get (an AttributeError, so ``hasattr`` says False)."""


#: where :class:`kiosk.sync.feed.FeedPuller` keeps a topic's cursor (``sync.feed.<topic>``)
FEED_CURSORS = "sync.feed."
_HIDDEN_CONFIG = frozenset({"plugin_config", "allowed_plugins"})
#: the back office's credentials: only with the ``backoffice_api`` permission
_BACKOFFICE_CONFIG = frozenset({"backoffice_token"})
#: the runtime's live parts: a plugin uses the named methods instead (PluginContext)
_HIDDEN_RUNTIME = frozenset({"host", "config", "store", "checkout", "ledger", "devices"})


class ScopedConfig:
    """The kiosk configuration as plugin ``name`` may read it."""

    __slots__ = ("_config", "_name", "_permissions")

    def __init__(self, config: Any, name: str, permissions: Iterable[str] = ()) -> None:
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_permissions", frozenset(permissions))

    def plugin_settings(self, name: str) -> dict[str, Any]:
        if name != self._name:
            raise PluginAccessDenied(
                f"plugin {self._name!r} may read only [plugins.{self._name}], not [plugins.{name}]"
            )
        return self._config.plugin_settings(name)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr in _HIDDEN_CONFIG:
            raise HiddenFromPlugin(f"plugin {self._name!r} may not read config.{attr}")
        if attr in _BACKOFFICE_CONFIG and "backoffice_api" not in self._permissions:
            raise HiddenFromPlugin(
                f"plugin {self._name!r} may not read config.{attr}: its plugin.toml does not "
                'declare permissions = ["backoffice_api"]'
            )
        return getattr(self._config, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        raise PluginAccessDenied(f"plugin {self._name!r} may not change the configuration")


class ScopedRuntime:
    """The runtime as plugin ``name`` sees it (``permissions``: its manifest's); the named
    methods pass through, the live parts do not."""

    __slots__ = ("_config", "_keys", "_name", "_permissions", "_runtime")

    def __init__(self, runtime: Any, name: str, permissions: Iterable[str] = ()) -> None:
        object.__setattr__(self, "_runtime", runtime)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_permissions", frozenset(permissions))
        object.__setattr__(self, "_config", None)
        object.__setattr__(self, "_keys", None)

    # made on first use, so a problem (no data_dir, a key dir inside it) is raised inside
    # the plugin's own call — which disables that plugin — not in the host's dispatch

    @property
    def config(self) -> ScopedConfig:
        if self._config is None:
            scoped = ScopedConfig(self._runtime.config, self._name, self._permissions)
            object.__setattr__(self, "_config", scoped)
        return self._config

    @property
    def keys(self) -> PluginKeys:
        if self._keys is None:
            keys = PluginKeys(key_dir(self._runtime.config), self._name)
            object.__setattr__(self, "_keys", keys)
        return self._keys

    def stored_value(self, key: str, default: Any = None) -> Any:
        """The small value this plugin kept under ``key`` (``"<name>.<rest>"``), or
        ``default``."""
        return self._runtime.stored_value(self._own_key(key), default)

    def store_value(self, key: str, value: Any) -> None:
        """Keep ``value`` (JSON-able) under ``key`` (``"<name>.<rest>"``), durably, now."""
        self._runtime.store_value(self._own_key(key), value)

    def device(self, role: str) -> Any:
        """The hardware profile's device in ``role`` (``None`` when none is open); only for
        a plugin whose manifest declares ``permissions = ["devices"]``."""
        if "devices" not in self._permissions:
            raise PluginAccessDenied(
                f"plugin {self._name!r} may not use the device {role!r}: its plugin.toml does "
                'not declare permissions = ["devices"]'
            )
        return self._runtime.device(role)

    def plugin_api(self, name: str) -> Any:
        """What this plugin publishes for its own UI and command-line helpers (its
        ``plugin_api()``); another plugin's name raises :class:`PluginAccessDenied`.
        :raises LookupError: the plugin is not live (disabled) or publishes nothing."""
        if name != self._name:
            raise PluginAccessDenied(
                f"plugin {self._name!r} may reach only its own plugin_api, not {name!r}'s"
            )
        return self._runtime.plugin_api(name)

    def _own_key(self, key: str) -> str:
        prefix = f"{self._name}."
        if key == f"{FEED_CURSORS}{self._name}":
            return key  # its own feed topic's cursor (kiosk.sync.feed)
        if not key.startswith(prefix) or len(key) == len(prefix):
            raise PluginAccessDenied(
                f"plugin {self._name!r} may keep values only under {prefix}<key> (and its "
                f"feed cursor {FEED_CURSORS}{self._name}), not {key!r}"
            )
        return key

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr in _HIDDEN_RUNTIME:
            raise HiddenFromPlugin(f"plugin {self._name!r} may not use runtime.{attr}")
        return getattr(self._runtime, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr.startswith("_") or attr in _HIDDEN_RUNTIME or attr == "keys":
            raise PluginAccessDenied(f"plugin {self._name!r} may not set runtime.{attr}")
        setattr(self._runtime, attr, value)

    # a plugin's view is "its runtime": ``plugin.runtime == runtime`` holds for the UI's
    def __eq__(self, other: object) -> bool:
        if isinstance(other, ScopedRuntime):
            other = object.__getattribute__(other, "_runtime")
        return other is self._runtime

    def __hash__(self) -> int:
        return id(self._runtime)
