"""Inside a plugin's worker process: import the plugin and serve its calls over the pipe.

The kiosk (:mod:`kiosk.plugin_worker`) starts this with the ``spawn`` method, so nothing of
the kiosk's memory comes along: no store, no devices, no other plugin's secrets. The plugin
gets a :class:`WorkerContext` wherever a hook takes ``runtime``: its own settings table,
its own keys, the shopper's language, whether the kiosk is online, the sale id, a logger
whose lines the kiosk writes to its log, and ``send_event`` (one outbox event of its own
kind, written by the kiosk). Its payment methods' ``show_code``/``show_amount``/
``show_status`` reach the paying screen as notes.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.plugin_channel import Channel

#: seconds the worker waits for the kiosk to write one outbox event
EVENT_DEADLINE_S = 10.0
LANGUAGES = ("ja", "en", "zh-Hans", "ko")
#: what the kiosk reads from a payment method (kiosk.payments.checks) and copies across
METHOD_ATTRIBUTES = (
    "id",
    "name_ja",
    "name_en",
    "icon",
    "icon_image",
    "works_offline",
    "min_amount",
    "max_amount",
    "simulated",
    "refunds",
    "start_deadline_s",
    "call_deadline_s",
)


@dataclass(frozen=True, slots=True)
class WorkerScope:
    """What the worker may know of the kiosk, sent with each hook that takes ``runtime``."""

    settings: dict[str, Any] = field(default_factory=dict)
    key_dir: str | None = None
    language: str = "ja"
    online: bool = True
    sale_id: str = ""


@dataclass(frozen=True, slots=True)
class Foreign:
    """Stands in for a returned item that is not a payment method (the kiosk names it)."""

    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class WorkerAccessDenied(PermissionError):
    """The plugin asked for another plugin's settings."""


class WorkerConfig:
    """``runtime.config`` in a worker: the plugin's own settings table, nothing else."""

    def __init__(self, plugin: str, settings: dict[str, Any]) -> None:
        self._plugin, self._settings = plugin, settings

    def plugin_settings(self, name: str) -> dict[str, Any]:
        if name != self._plugin:
            raise WorkerAccessDenied(
                f"plugin {self._plugin!r} may read only [plugins.{self._plugin}],"
                f" not [plugins.{name}]"
            )
        return dict(self._settings)


class WorkerContext:
    """What a hook's ``runtime`` is in a worker process (docs/plugins.md, "Worker
    processes"): data and a few calls, never the kiosk's live objects."""

    def __init__(self, plugin: str, channel: Channel) -> None:
        self.plugin = plugin
        self.scope = WorkerScope()
        self.log = logging.getLogger(f"kiosk.plugin.{plugin}")
        self._channel = channel

    @property
    def config(self) -> WorkerConfig:
        return WorkerConfig(self.plugin, self.scope.settings)

    @property
    def keys(self) -> Any:
        from kiosk.keys import PluginKeys

        if self.scope.key_dir is None:
            raise RuntimeError(f"plugin {self.plugin!r}: the kiosk has no key directory")
        return PluginKeys(Path(self.scope.key_dir), self.plugin)

    @property
    def language(self) -> str:
        return self.scope.language

    @property
    def backoffice_reachable(self) -> bool:
        return self.scope.online

    @property
    def online(self) -> bool:  # deprecated name of backoffice_reachable
        return self.scope.online

    @property
    def sale_id(self) -> str:
        return self.scope.sale_id

    def send_event(self, kind: str, payload: dict[str, Any], aggregate_id: str = "") -> str:
        """One outbox event of the plugin's own kind; the kiosk writes it."""
        return self._channel.request("send_event", (kind, payload, aggregate_id), EVENT_DEADLINE_S)


class _ForwardLogs(logging.Handler):
    """Every log record of the worker, as a note the kiosk writes to its own log."""

    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self._channel = channel

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
        except Exception:  # a bad format string must not break the plugin's call
            text = str(record.msg)
        self._channel.note("log", (record.levelno, record.name, text))


class WorkerPlugin:
    """The plugin loaded in this process, and its payment methods by id."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.plugin: Any = None
        self.context: WorkerContext | None = None
        self.methods: dict[str, Any] = {}
        self._lock = threading.Lock()

    def handle(self, what: str, payload: Any) -> Any:
        if what == "boot":
            return self.boot(**payload)
        if what == "hook":
            return self.hook(*payload)
        if what == "method":
            return self.method(*payload)
        raise ValueError(f"unknown call {what!r}")

    def boot(
        self, plugin: str, module: str, paths: list[str], scope: WorkerScope, startup: bool
    ) -> list[str]:
        """Import the plugin (a ``Plugin`` class: one instance); run ``kiosk_startup`` again
        when the kiosk had (a fresh worker after a stopped one). Its hooks, by name."""
        import importlib

        sys.path[:0] = [p for p in paths if p not in sys.path]
        self.context = WorkerContext(plugin, self.channel)
        self.context.scope = scope
        loaded = importlib.import_module(module)
        factory = getattr(loaded, "Plugin", None)
        self.plugin = factory() if callable(factory) else loaded
        if startup and hasattr(self.plugin, "kiosk_startup"):
            self.hook("kiosk_startup", {}, scope)
        return sorted(n for n in dir(self.plugin) if n.startswith("kiosk_"))

    def hook(self, hook_name: str, kwargs: dict[str, Any], scope: WorkerScope | None) -> Any:
        assert self.context is not None, "boot first"
        if scope is not None:
            self.context.scope = scope
        result = self._call(hook_name, kwargs)
        if hook_name == "kiosk_payment_methods":
            return self._describe_methods(result)
        return result

    def method(self, method_id: str, call: str, args: tuple[Any, ...]) -> Any:
        with self._lock:
            if method_id not in self.methods:  # a fresh worker: ask the plugin again
                self._describe_methods(self._call("kiosk_payment_methods", {}))
            method = self.methods[method_id]
        if call == "start":
            method.attach_display(lambda p: self.channel.note("progress", (method_id, p)))
        return getattr(method, call)(*args)

    def _call(self, hook_name: str, kwargs: dict[str, Any]) -> Any:
        function = getattr(self.plugin, hook_name)
        accepted = inspect.signature(function).parameters
        given = {name: value for name, value in kwargs.items() if name in accepted}
        if "runtime" in accepted:
            given["runtime"] = self.context
        return function(**given)

    def _describe_methods(self, methods: Any) -> Any:
        from kiosk.payments.method import PaymentMethod

        if not isinstance(methods, list | tuple):
            return methods  # the kiosk names what it is
        described: list[Any] = []
        for method in methods:
            if not isinstance(method, PaymentMethod):
                described.append(Foreign(type(method).__name__))
                continue
            self.methods[method.id] = method
            attributes = {name: getattr(method, name, None) for name in METHOD_ATTRIBUTES}
            attributes["names"] = {language: method.name(language) for language in LANGUAGES}
            described.append(attributes)
        return described


def serve(conn: Any, log_level: int) -> None:
    """The worker process's main: answer calls until the kiosk closes the pipe."""
    worker: WorkerPlugin
    channel = Channel(
        conn,
        on_call=lambda what, payload: worker.handle(what, payload),
        on_note=lambda kind, payload: None,
        threaded=True,
        name="kiosk-worker-reader",
    )
    worker = WorkerPlugin(channel)
    root = logging.getLogger()
    root.handlers[:] = [_ForwardLogs(channel)]
    root.setLevel(log_level)
    channel.read()
    # the kiosk is gone: end now, also with a call still stuck in C on another thread
    os._exit(0)
