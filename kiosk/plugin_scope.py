"""What a third-party plugin sees of the kiosk: its own settings and keys, nobody else's.

Built-in plugins (``plugins/``, reviewed with the kiosk) get the runtime itself. A plugin
loaded from an entry point gets a :class:`ScopedRuntime` as every hook's ``runtime``:

- ``runtime.config`` is a :class:`ScopedConfig`: the kiosk's public facts (id, issuer,
  language, policy…), ``plugin_settings(own name)`` only — asking for another plugin's
  section raises :class:`PluginAccessDenied` — and no ``plugin_config`` or back-office
  token;
- ``runtime.keys`` is that plugin's :class:`kiosk.keys.PluginKeys`: keys named after it,
  in the store's key directory, never the loyalty, tax-free or hand-off keys;
- ``runtime.host`` (every other plugin, and through them their keys) and private
  attributes are not there.

This is least privilege, not a sandbox: Python code in the kiosk's process can reach
anything the process can (walk objects, open files the kiosk user can read). It stops a
plugin from receiving secrets it was never meant to have, and makes what one reads a
visible choice; trusting the code itself is what the allow-list's pinned distribution,
version and hash are for (:mod:`kiosk.plugin_trust`). See docs/security.md.
"""

from __future__ import annotations

from typing import Any

from kiosk.keys import PluginKeys, key_dir


class PluginAccessDenied(PermissionError):
    """A plugin asked for something that belongs to the kiosk or to another plugin."""


class HiddenFromPlugin(AttributeError):
    """An attribute a plugin does not get (an AttributeError, so ``hasattr`` says False)."""


_HIDDEN_CONFIG = frozenset({"plugin_config", "backoffice_token", "allowed_plugins"})
_HIDDEN_RUNTIME = frozenset({"host", "config"})


class ScopedConfig:
    """The kiosk configuration as plugin ``name`` may read it."""

    __slots__ = ("_config", "_name")

    def __init__(self, config: Any, name: str) -> None:
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_name", name)

    def plugin_settings(self, name: str) -> dict[str, Any]:
        if name != self._name:
            raise PluginAccessDenied(
                f"plugin {self._name!r} may read only [plugins.{self._name}], not [plugins.{name}]"
            )
        return self._config.plugin_settings(name)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr in _HIDDEN_CONFIG:
            raise HiddenFromPlugin(f"plugin {self._name!r} may not read config.{attr}")
        return getattr(self._config, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        raise PluginAccessDenied(f"plugin {self._name!r} may not change the configuration")


class ScopedRuntime:
    """The runtime as plugin ``name`` sees it; everything else passes through."""

    __slots__ = ("_config", "_keys", "_name", "_runtime")

    def __init__(self, runtime: Any, name: str) -> None:
        object.__setattr__(self, "_runtime", runtime)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_config", None)
        object.__setattr__(self, "_keys", None)

    # made on first use, so a problem (no data_dir, a key dir inside it) is raised inside
    # the plugin's own call — which disables that plugin — not in the host's dispatch

    @property
    def config(self) -> ScopedConfig:
        if self._config is None:
            object.__setattr__(self, "_config", ScopedConfig(self._runtime.config, self._name))
        return self._config

    @property
    def keys(self) -> PluginKeys:
        if self._keys is None:
            keys = PluginKeys(key_dir(self._runtime.config), self._name)
            object.__setattr__(self, "_keys", keys)
        return self._keys

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr in _HIDDEN_RUNTIME:
            raise HiddenFromPlugin(f"plugin {self._name!r} may not use runtime.{attr}")
        return getattr(self._runtime, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr.startswith("_") or attr in _HIDDEN_RUNTIME or attr == "keys":
            raise PluginAccessDenied(f"plugin {self._name!r} may not set runtime.{attr}")
        setattr(self._runtime, attr, value)
