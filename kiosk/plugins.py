"""The plugin manager: built-ins, allow-listed third parties, and isolation.

pluggy stops a hook call at the first exception, and a hung plugin would hang the till.
:class:`PluginHost` therefore calls each implementation on its own, under a deadline: one
that raises or overruns is named in the log, disabled for the session, reported to staff
through :attr:`PluginHost.problems`, and the sale goes on without it.
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, wait
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

import pluggy

from kiosk import hookspecs
from kiosk.plugin_scope import ScopedRuntime
from kiosk.plugin_trust import AllowedPlugin

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "kiosk.plugins"

# Built-in features, registered through the same hooks a vendor uses. Listed here, in one
# place; each may be left out by the store configuration.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.pay_cash",
    "plugins.pay_card",
    "plugins.pay_emoney",
    "plugins.pay_qr",
    "plugins.scanner_camera.plugin",
    "plugins.tax_free",
    "plugins.loyalty",
    "plugins.coupons",
    "plugins.promotions",
    "plugins.age_check_mynumber",
    "kiosk.handoff.plugin",
)

DEFAULT_DEADLINE_S = 2.0


@dataclass(frozen=True, slots=True)
class PluginProblem:
    plugin: str
    hook: str
    message: str
    at: float

    def staff_message(self) -> str:
        return f"plugin {self.plugin!r} was disabled: {self.hook} {self.message}"


class PluginHost:
    def __init__(self, deadline_s: float = DEFAULT_DEADLINE_S) -> None:
        self.pm = pluggy.PluginManager("kiosk")
        self.pm.add_hookspecs(hookspecs)
        self.deadline_s = deadline_s
        self.problems: list[PluginProblem] = []
        self._lock = threading.Lock()
        self._workers = _HookWorkers()
        self._third_party: set[str] = set()  # entry-point plugins: they get a ScopedRuntime
        self._scoped: dict[tuple[str, int], ScopedRuntime] = {}

    # --- loading -------------------------------------------------------------------------

    def register(self, plugin: object, name: str) -> None:
        self.pm.register(plugin, name=name)

    def load_builtins(self, names: Iterable[str] = BUILTIN_PLUGINS) -> None:
        for module_name in names:
            self._load(module_name, lambda m=module_name: importlib.import_module(m))

    def load_entry_points(self, allowed: Iterable[AllowedPlugin]) -> None:
        """Load third-party plugins from ``kiosk.plugins`` that the store's allow-list trusts.

        An entry point loads only if the distribution declaring it is the one the allow-list
        names, at that version (and, if pinned, with that RECORD hash); another distribution
        declaring the same name is refused and reported. Loaded ones get a scoped runtime.
        """
        allow = {entry.entry_point: entry for entry in allowed}
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            entry = allow.get(ep.name)
            if entry is None:
                log.info("plugin %s is installed but not in the allow-list; not loaded", ep.name)
                continue
            refusal = entry.refusal(getattr(ep, "dist", None))
            if refusal is not None:
                self._report(ep.name, "load", f"refused: {refusal}")
                continue
            self._third_party.add(ep.name)
            self._load(ep.name, ep.load)

    def check(self) -> None:
        """Fail early on hook implementations that match no hook (a typo in a vendor plugin)."""
        self.pm.check_pending()

    def _load(self, name: str, loader: Any) -> None:
        try:
            plugin = loader()
            # a module with a ``Plugin`` class gets a fresh instance per host (per kiosk)
            factory = getattr(plugin, "Plugin", None)
            self.pm.register(factory() if callable(factory) else plugin, name=name)
        except Exception as exc:  # a broken plugin must not stop the kiosk
            log.exception("plugin %s failed to load", name)
            self._report(name, "load", f"failed to load: {exc}")

    def is_third_party(self, plugin: object) -> bool:
        """Loaded from an entry point (scoped runtime, no kiosk token), not a built-in."""
        return self.pm.get_name(plugin) in self._third_party

    @property
    def names(self) -> list[str]:
        return sorted(name for name, _ in self.pm.list_name_plugin())

    # --- calling -------------------------------------------------------------------------

    def call(self, hook_name: str, *, deadline_s: float | None = None, **kwargs: Any) -> list[Any]:
        """Call every live implementation of ``hook_name``; return their non-None results."""
        return list(self._results(hook_name, deadline_s, kwargs))

    def call_first(self, hook_name: str, *, deadline_s: float | None = None, **kwargs: Any) -> Any:
        """Call implementations in order until one returns non-None (a firstresult hook)."""
        for result in self._results(hook_name, deadline_s, kwargs):
            return result
        return None

    def call_each(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Like :meth:`call`, flattening the lists each implementation returns."""
        return [item for result in self.call(hook_name, **kwargs) for item in result or ()]

    def _results(self, hook_name: str, deadline_s: float | None, kwargs: dict[str, Any]):
        hook = getattr(self.pm.hook, hook_name)
        # pluggy calls the last registered implementation first; keep that order
        for impl in reversed(hook.get_hookimpls()):
            name = self.pm.get_name(impl.plugin) or repr(impl.plugin)
            args = {arg: kwargs[arg] for arg in impl.argnames}
            if name in self._third_party and args.get("runtime") is not None:
                args["runtime"] = self._scoped_runtime(name, args["runtime"])
            ok, value = self._call_one(impl.function, args, deadline_s or self.deadline_s)
            if not ok:
                self._disable(name, hook_name, value)
                continue
            if value is not None:
                yield value

    def _scoped_runtime(self, name: str, runtime: Any) -> ScopedRuntime:
        """One view per plugin and runtime, so a plugin may keep and compare it."""
        key = (name, id(runtime))
        with self._lock:
            view = self._scoped.get(key)
            if view is None or object.__getattribute__(view, "_runtime") is not runtime:
                view = self._scoped[key] = ScopedRuntime(runtime, name)
        return view

    def _call_one(self, function: Any, args: dict[str, Any], deadline_s: float) -> tuple[bool, Any]:
        future = self._workers.submit(lambda: function(**args))
        done, _ = wait([future], timeout=deadline_s)
        if not done:
            return False, f"did not answer within {deadline_s:g} s (abandoned)"
        exc = future.exception()
        if exc is not None:
            if _is_refusal(exc):
                # a plugin declining to start for a reason staff fix in the settings: the
                # one line _report logs says it all; the traceback only with -v (DEBUG)
                log.debug("hook %s refused", function.__qualname__, exc_info=exc)
                return False, str(exc)
            log.error("hook %s raised", function.__qualname__, exc_info=exc)
            return False, f"raised {type(exc).__name__}: {exc}"
        return True, future.result()

    def _disable(self, name: str, hook_name: str, message: str) -> None:
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        self._report(name, hook_name, message)

    def _report(self, name: str, hook_name: str, message: str) -> None:
        problem = PluginProblem(name, hook_name, message, time.time())
        with self._lock:
            self.problems.append(problem)
        log.error(problem.staff_message())


def _is_refusal(exc: BaseException) -> bool:
    """Whether ``exc`` is a plugin refusing to start over its settings (missing connection
    settings, a bad value) rather than a fault in its code."""
    from kiosk.config import ConfigError
    from kiosk.payments.simulation import NotConfigured

    return isinstance(exc, NotConfigured | ConfigError)


class _HookWorkers:
    """Daemon threads that run hook calls, reused from call to call.

    Every implementation runs off the caller's thread so that a hang can be abandoned at its
    deadline; starting a new thread for each of the dozens of calls a scan makes cost more
    than the plugins' own work. A call that hangs keeps its thread (abandoned, like before),
    a nested call (a hook that triggers another hook) gets another idle or new thread, and
    daemon threads never hold up the kiosk's exit (concurrent.futures' pool would).
    """

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def submit(self, call: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._idle:
                self._idle -= 1
            else:
                threading.Thread(target=self._work, name="kiosk-hook", daemon=True).start()
        self._tasks.put((call, future))
        return future

    def _work(self) -> None:
        while True:
            call, future = self._tasks.get()
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to the caller, which disables the plugin
                future.set_exception(exc)
            with self._lock:
                self._idle += 1
