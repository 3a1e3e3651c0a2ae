"""The plugin manager: built-ins, allow-listed third parties, and isolation.

pluggy stops a hook call at the first exception, and a hung plugin would hang the till.
:class:`PluginHost` therefore lets pluggy run each hook (``firstresult`` and wrappers as
pluggy defines them) but guards each implementation: it runs on a worker under a deadline
and its result is type-checked (:mod:`kiosk.hook_results`); one that raises, overruns or
returns the wrong type is named in the log, disabled for the session, reported to staff
through :attr:`PluginHost.problems` (one message naming plugin, hook and field), and the
sale goes on without it.

Disabling a plugin stops it, not only its results: each plugin is handed doors
(:mod:`kiosk.plugin_door`) instead of the runtime, its checkout, basket and lines, and the
host shuts every door of a disabled plugin (the next touch raises ``PluginStopped``). The
worker thread of a call that overran is retired: ``PluginStopped`` is raised in it at its
next Python instruction, and it never takes another call. A thread stuck in C never gets
there: a plugin that may hang so declares ``isolation = "process"`` in its ``plugin.toml``
and runs in a worker process the host kills instead (:mod:`kiosk.plugin_worker`).
"""

from __future__ import annotations

import contextvars
import ctypes
import functools
import importlib
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, wait
from contextvars import ContextVar
from dataclasses import dataclass
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pluggy

from kiosk import hook_results, hookspecs
from kiosk.messages import package_domain
from kiosk.plugin_channel import WorkerCallFailed, WorkerError, WorkerOverran
from kiosk.plugin_door import PluginDoors, PluginStopped, unwrap
from kiosk.plugin_manifest import MANIFEST, Manifest, ManifestError, load_manifest
from kiosk.plugin_scope import ScopedRuntime
from kiosk.plugin_stand_ins import IN_WORKER, process_plugin
from kiosk.plugin_trust import AllowedPlugin
from kiosk.plugin_worker import ProcessWorker

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
    "plugins.handoff.plugin",
)

DEFAULT_DEADLINE_S = 2.0
#: ``kiosk_startup``/``kiosk_shutdown`` open connections and load keys: under load (three
#: kiosks on two cores) 2 s was not enough for a healthy plugin. ``[plugins]
#: startup_deadline_s`` sets it per store.
DEFAULT_STARTUP_DEADLINE_S = 20.0
#: Hooks called once while the kiosk or the back office is being built. Besides start-up and
#: shutdown these are the declarations (routers, migrations, sections…): their first call
#: imports the plugin's modules, which took more than 2 s in a back-office worker starting
#: beside three others on two loaded cores, and the worker came up without the plugin's
#: routes. They get the start-up deadline; hooks called per scan or per sale keep the short one.
SLOW_HOOKS = frozenset(
    {
        "kiosk_startup",
        "kiosk_shutdown",
        "kiosk_plugin_settings",
        "kiosk_register_drivers",
        "kiosk_store_migrations",
        "kiosk_backoffice_migrations",
        "kiosk_backoffice_routers",
        "kiosk_backoffice_pages",
        "kiosk_backoffice_templates",
        "kiosk_backoffice_event_handlers",
        "kiosk_backoffice_console",
        "kiosk_masterdata_sections",
        "kiosk_cli_commands",
        "kiosk_ui_screens",
        "kiosk_ui_overlays",
    }
)

_GUARDED = "__kiosk_guarded__"
#: the deadline of the hook call in progress on this thread (set by PluginHost._run)
_DEADLINE: ContextVar[float] = ContextVar("kiosk_hook_deadline", default=DEFAULT_DEADLINE_S)


@dataclass(frozen=True, slots=True)
class PluginProblem:
    plugin: str
    hook: str
    message: str
    at: float

    def staff_message(self) -> str:
        return f"plugin {self.plugin!r} was disabled: {self.hook} {self.message}"


class PluginHost:
    def __init__(
        self,
        deadline_s: float = DEFAULT_DEADLINE_S,
        startup_deadline_s: float = DEFAULT_STARTUP_DEADLINE_S,
    ) -> None:
        self.pm = pluggy.PluginManager("kiosk")
        self.pm.add_hookspecs(hookspecs)
        self.deadline_s = deadline_s
        self.startup_deadline_s = startup_deadline_s
        self._disabled: set[str] = set()
        self._owners: dict[int, str] = {}  # id(payment method) -> the plugin that offers it
        self.problems: list[PluginProblem] = []
        self._lock = threading.Lock()
        self._workers = _HookWorkers()
        self._third_party: set[str] = set()  # entry-point and folder plugins (no kiosk token)
        # per plugin: the name its scoped runtime goes by and its manifest's permissions
        self._scopes: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._scoped: dict[tuple[str, int], ScopedRuntime] = {}
        self._doors: dict[str, PluginDoors] = {}  # per plugin: its doors and their token
        self._process_workers: dict[str, ProcessWorker] = {}  # isolation = "process"
        self._domains: dict[str, str] = {}  # per plugin: its gettext domain

    # --- loading -------------------------------------------------------------------------

    def register(self, plugin: object, name: str) -> None:
        self.pm.register(plugin, name=name)
        module = getattr(plugin, "__name__", None) or type(plugin).__module__
        self._domains[name] = package_domain(module)  # its catalogue: runtime.translate
        self._disabled.discard(name)  # registered again on purpose (tests, a reload)
        with self._lock:
            doors = self._doors.get(name)
            if doors is not None and doors.token.stopped:
                del self._doors[name]  # fresh doors: the old ones stay shut

    def doors_of(self, name: str) -> PluginDoors:
        """Plugin ``name``'s doors (made on first use); shut when the plugin is disabled."""
        with self._lock:
            doors = self._doors.get(name)
            if doors is None:
                doors = self._doors[name] = PluginDoors(name, self._domains.get(name, "kiosk"))
            return doors

    def load_builtins(self, names: Iterable[str] = BUILTIN_PLUGINS) -> None:
        """Load the built-in plugins. Each gets the scoped runtime a vendor's gets, under the
        name and permissions of the ``plugin.toml`` in its folder."""
        for module_name in names:
            try:
                manifest = _manifest_of_package(module_name)
            except ManifestError as exc:
                self._report(module_name, "load", f"refused: {exc}")
                continue
            if manifest is not None:
                self._scopes[module_name] = (manifest.name, manifest.permissions)
            self._load(module_name, lambda m=module_name: importlib.import_module(m))

    def load_entry_points(self, allowed: Iterable[AllowedPlugin]) -> None:
        """Load third-party plugins from ``kiosk.plugins`` that the store's allow-list trusts.

        An entry point loads only if the distribution declaring it is the one the allow-list
        names, at that version (and, if pinned, with that RECORD hash); another distribution
        declaring the same name is refused and reported. Loaded ones get a scoped runtime.
        """
        allow = {entry.entry_point: entry for entry in allowed}
        declared: set[str] = set()
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            declared.add(ep.name)
            entry = allow.get(ep.name)
            if entry is None:
                log.info("plugin %s is installed but not in the allow-list; not loaded", ep.name)
                continue
            refusal = entry.refusal(getattr(ep, "dist", None))
            if refusal is not None:
                self._report(ep.name, "load", f"refused: {refusal}")
                continue
            self._third_party.add(ep.name)
            try:
                manifest = _manifest_beside(str(getattr(ep, "value", "")).partition(":")[0])
            except ManifestError as exc:
                self._report(ep.name, "load", f"refused: {exc}")
                continue
            if manifest is not None:
                self._scopes[ep.name] = (ep.name, manifest.permissions)
            if manifest is not None and manifest.isolation == "process":
                self._load_in_worker(ep.name, manifest, [])
            else:
                self._load(ep.name, ep.load)
        # an allowed plugin nobody declares (a typo, a package never installed) would
        # otherwise leave the kiosk selling without it and nothing saying so
        for name in sorted(set(allow) - declared):
            entry = allow[name]
            self._report(
                name,
                "load",
                f"failed: not installed: no distribution declares entry point {name!r} in "
                f"{ENTRY_POINT_GROUP!r} (the allow-list expects "
                f"{entry.distribution} {entry.version}; pip show {entry.distribution})",
            )

    def load_folder(self, folder: Path, import_root: Path | None = None) -> str:
        """Load the plugin in ``folder`` by its ``plugin.toml`` (a vendor's plugin under
        test, a plugin not installed as a distribution); returns its name. Its module is
        imported from ``import_root`` (default: ``folder``'s parent). Loaded like a third
        party: a scoped runtime, and a worker process if it declares ``isolation =
        "process"``. :raises ManifestError: naming the file and the key."""
        manifest = load_manifest(folder)
        root = str(import_root or folder.parent)
        self._third_party.add(manifest.name)
        self._scopes[manifest.name] = (manifest.name, manifest.permissions)
        if manifest.isolation == "process":
            self._load_in_worker(manifest.name, manifest, [root])
            return manifest.name
        if root not in sys.path:
            sys.path.insert(0, root)
        self._load(manifest.name, lambda: importlib.import_module(manifest.module))
        return manifest.name

    def _load_in_worker(self, name: str, manifest: Manifest, paths: list[str]) -> None:
        """Register the stand-in of a plugin whose hooks run in a worker process (started
        at its first call; nothing of the plugin is imported here)."""
        worker = ProcessWorker(
            name, manifest.module, paths, self.startup_deadline_s, manifest.hooks
        )
        with self._lock:
            old = self._process_workers.get(name)
            self._process_workers[name] = worker
        if old is not None:
            old.close("loaded again")
        self.register(process_plugin(worker, manifest.hooks, _DEADLINE.get), name=name)

    def worker_of(self, name: str) -> ProcessWorker | None:
        """Plugin ``name``'s worker process, if it declared ``isolation = "process"``."""
        with self._lock:
            return self._process_workers.get(name)

    def close(self) -> None:
        """Stop every worker process (the kiosk shuts down)."""
        with self._lock:
            workers = list(self._process_workers.values())
        for worker in workers:
            worker.close("the kiosk shut down")
        self._workers.close()

    def check(self) -> None:
        """Fail early on hook implementations that match no hook (a typo in a vendor plugin)."""
        self.pm.check_pending()

    def _load(self, name: str, loader: Any) -> None:
        try:
            plugin = loader()
            # a module with a ``Plugin`` class gets a fresh instance per host (per kiosk)
            factory = getattr(plugin, "Plugin", None)
            self.register(factory() if callable(factory) else plugin, name=name)
        except Exception as exc:  # a broken plugin must not stop the kiosk
            log.exception("plugin %s failed to load", name)
            self._report(name, "load", f"failed to load: {exc}")

    def is_third_party(self, plugin: object) -> bool:
        """Loaded from an entry point or a folder (no kiosk token), not a built-in. (Every
        plugin, built-in or not, gets a scoped runtime.)"""
        return self.pm.get_name(plugin) in self._third_party

    @property
    def names(self) -> list[str]:
        return sorted(name for name, _ in self.pm.list_name_plugin())

    # --- calling -------------------------------------------------------------------------
    #
    # pluggy's own call loop runs every hook, so ``firstresult`` and wrappers (``wrapper=True``
    # and old-style ``hookwrapper=True``) behave as pluggy documents. Isolation sits around
    # each implementation instead: before a call, every implementation not yet guarded gets
    # its function replaced by a guard (:meth:`_guard`) that runs it on a worker under the
    # deadline, checks its result's type, hands the plugin its scoped runtime, and
    # turns a failure into ``None`` plus a disabled, reported plugin.

    def call(self, hook_name: str, *, deadline_s: float | None = None, **kwargs: Any) -> list[Any]:
        """Call every live implementation of ``hook_name``; return their non-None results
        (for a ``firstresult`` hook: the first, as a one-item list)."""
        hook = getattr(self.pm.hook, hook_name)
        result = self._run(hook, deadline_s, kwargs)
        if _first_result(hook):
            return [] if result is None else [result]
        return list(result)

    def call_first(self, hook_name: str, *, deadline_s: float | None = None, **kwargs: Any) -> Any:
        """The first non-None result (a ``firstresult`` hook stops there), or ``None``."""
        hook = getattr(self.pm.hook, hook_name)
        result = self._run(hook, deadline_s, kwargs)
        if _first_result(hook):
            return result
        return next(iter(result), None)

    def call_each(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Like :meth:`call`, flattening the lists each implementation returns."""
        return [item for result in self.call(hook_name, **kwargs) for item in result or ()]

    def deadline_for(self, hook_name: str) -> float:
        """The deadline of one implementation of ``hook_name`` when the caller names none."""
        if hook_name in SLOW_HOOKS:
            return max(self.startup_deadline_s, self.deadline_s)
        return self.deadline_s

    def owner_of(self, obj: object) -> str | None:
        """The plugin that returned ``obj`` from ``kiosk_payment_methods`` (or None)."""
        with self._lock:
            return self._owners.get(id(obj))

    def call_by_plugin(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """``(plugin, item)`` for every item of every live implementation of ``hook_name``
        (a list-returning hook called once while the UI is built: the root must make each
        plugin's screens and overlays with that plugin's own view of the controller)."""
        found: list[tuple[str, Any]] = []
        names = [impl.plugin_name for impl in getattr(self.pm.hook, hook_name).get_hookimpls()]
        for name in reversed(names):  # pluggy's order: the last registered runs first
            others = [p for n, p in self.pm.list_name_plugin() if n != name]
            one = self.pm.subset_hook_caller(hook_name, remove_plugins=others)
            for result in self._run(one, None, kwargs) or ():
                found += [(name, item) for item in result or ()]
        return found

    def runtime_for(self, name: str, runtime: Any) -> Any:
        """Plugin ``name``'s runtime: the door over its scoped view of ``runtime`` that its
        hooks receive (the same object), for what the kiosk hands it outside a hook — its
        screens' controller view (:mod:`kiosk.ui.plugin_controller`)."""
        return self.doors_of(name).runtime(self._scoped_runtime(name, _raw_runtime(runtime)))

    def scope_name(self, name: str) -> str:
        """The name plugin ``name`` (as registered) goes by: its manifest's, else its own."""
        return self._scopes.get(name, (name, ()))[0]

    def plugin_api(self, scope: str) -> Any:
        """What the live plugin named ``scope`` (its manifest's name: ``"tax_free"``)
        publishes for its own UI and command-line helpers: its ``plugin_api()``.

        :raises LookupError: no such plugin is live here, or it publishes nothing.
        """
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None or self.scope_name(name) != scope:
                continue
            published = getattr(plugin, "plugin_api", None)
            if not callable(published):
                raise LookupError(f"plugin {scope!r} publishes no API (no plugin_api())")
            return published()
        raise LookupError(f"plugin {scope!r} is not loaded on this kiosk")

    def disable(self, name: str, hook_name: str, message: str) -> None:
        """Disable plugin ``name`` for the session and report why (once per plugin)."""
        self._disable(name, hook_name, message)

    def _run(self, hook: Any, deadline_s: float | None, kwargs: dict[str, Any]) -> Any:
        for impl in hook.get_hookimpls():
            if not getattr(impl.function, _GUARDED, False):
                impl.function = self._guard(impl, hook.name)
        token = _DEADLINE.set(deadline_s or self.deadline_for(hook.name))
        try:
            return hook(**kwargs)
        finally:
            _DEADLINE.reset(token)

    def _guard(self, impl: Any, hook_name: str) -> Callable[..., Any]:
        function, name = impl.function, impl.plugin_name
        if impl.hookwrapper or impl.wrapper:
            guarded = self._guard_wrapper(function, name, hook_name)
        else:
            guarded = self._guard_call(function, tuple(impl.argnames), name, hook_name)
        setattr(guarded, _GUARDED, True)
        return guarded

    def _guard_call(
        self, function: Any, argnames: tuple[str, ...], name: str, hook_name: str
    ) -> Callable[..., Any]:
        doored = tuple((i, arg) for i, arg in enumerate(argnames) if arg in _DOOR_ARGS)
        call_one = self._call_in_worker if _in_worker(function) else self._call_one

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if doored:
                args = self._through_doors(name, args, doored)
            ok, value = call_one(function, args, kwargs, _DEADLINE.get(), name)
            if not ok:
                self._disable(name, hook_name, value)
                return None
            problem = hook_results.problem(hook_name, value)
            if problem is not None:
                self._disable(name, hook_name, f"returned {problem.removeprefix('is ')}")
                return None
            if hook_name == "kiosk_payment_methods" and value:
                with self._lock:
                    self._owners.update((id(method), name) for method in value)
            return value

        return guarded

    def _guard_wrapper(self, function: Any, name: str, hook_name: str) -> Callable[..., Any]:
        """A wrapper runs on the caller's thread (it brackets the others, so it cannot be
        abandoned); its own exception disables it and the call goes on as if it were not
        there. An exception from the implementations it wraps passes through untouched."""
        host = self

        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                gen = function(*args, **kwargs)
                next(gen)
            except Exception as exc:  # setup failed (or did not yield): step aside
                host._disable(name, hook_name, f"wrapper raised {type(exc).__name__}: {exc}")
                return (yield)
            try:
                sent = yield
            except BaseException as inner:
                try:
                    gen.throw(inner)
                except StopIteration as stop:
                    return stop.value
                except BaseException as raised:
                    if raised is not inner:
                        host._disable(name, hook_name, f"wrapper raised {type(raised).__name__}")
                    raise inner from None
                host._disable(name, hook_name, "wrapper yielded twice")
                raise
            try:
                gen.send(sent)
            except StopIteration as stop:
                return stop.value if stop.value is not None else sent
            except Exception as exc:
                host._disable(name, hook_name, f"wrapper raised {type(exc).__name__}: {exc}")
                return sent
            gen.close()
            host._disable(name, hook_name, "wrapper yielded twice")
            return sent

        return guarded

    def _through_doors(
        self, name: str, args: tuple[Any, ...], doored: tuple[tuple[int, str], ...]
    ) -> tuple[Any, ...]:
        """``args`` with the live objects replaced by plugin ``name``'s doors over them (the
        runtime scoped first, built-in or not: its own settings, keys and values only)."""
        doors = self.doors_of(name)
        out = list(args)
        for i, arg in doored:
            value = out[i]
            if value is None:
                continue
            if arg == "runtime":
                out[i] = doors.runtime(self._scoped_runtime(name, _raw_runtime(value)))
            elif arg == "checkout":
                out[i] = doors.part(value, "checkout")
            elif arg == "ctl":
                # the UI's controller: the plugin gets its own view of it, whose runtime is
                # this plugin's scoped runtime (kiosk.ui.plugin_controller)
                view = getattr(value, "plugin_view", None)
                out[i] = view(name) if callable(view) else value
            else:
                out[i] = doors.once(value, arg)
        return tuple(out)

    def _scoped_runtime(self, name: str, runtime: Any) -> ScopedRuntime:
        """One view per plugin and runtime, so a plugin may keep and compare it."""
        key = (name, id(runtime))
        scope, permissions = self._scopes.get(name, (name, ()))
        with self._lock:
            view = self._scoped.get(key)
            if view is None or object.__getattribute__(view, "_runtime") is not runtime:
                view = self._scoped[key] = ScopedRuntime(runtime, scope, permissions)
        return view

    def _call_one(
        self,
        function: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        deadline_s: float,
        name: str = "",
    ) -> tuple[bool, Any]:
        future = self._workers.submit(lambda: function(*args, **kwargs))
        done, _ = wait([future], timeout=deadline_s)
        if not done:
            message = f"did not answer within {deadline_s:g} s (stopped)"
            if name:
                self.doors_of(name).token.stop(message)  # before the thread can touch more
            self._workers.retire(future)
            return False, message
        exc = future.exception()
        if exc is not None:
            if _is_refusal(exc):
                # a plugin declining to start for a reason staff fix in the settings: the
                # one line _report logs says it all; the traceback only with -v (DEBUG)
                log.debug(
                    "hook %s refused", getattr(function, "__qualname__", function), exc_info=exc
                )
                return False, str(exc)
            log.error("hook %s raised", getattr(function, "__qualname__", function), exc_info=exc)
            return False, f"raised {type(exc).__name__}: {exc}"
        return True, future.result()

    @staticmethod
    def _call_in_worker(
        function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], deadline_s: float, name: str
    ) -> tuple[bool, Any]:
        """A process plugin's forwarder, on the caller's thread: it waits for the worker
        under the deadline and stops the worker at it, so it cannot hang."""
        try:
            return True, function(*args, **kwargs)
        except WorkerOverran as exc:
            return (
                False,
                f"did not answer within {exc.seconds:g} s (its worker process was stopped)",
            )
        except WorkerCallFailed as exc:
            if exc.failure.kind == "NotData":  # its result could not be sent to the kiosk
                return False, exc.failure.message
            log.error("plugin %s raised in its worker process:\n%s", name, exc.failure.trace)
            return False, str(exc)
        except (WorkerError, PluginStopped) as exc:
            return False, str(exc)
        except Exception as exc:  # the arguments could not be sent (not data)
            return False, f"could not be called in its worker process: {exc}"

    def _disable(self, name: str, hook_name: str, message: str) -> None:
        with self._lock:
            if name in self._disabled:
                return  # one message per plugin: later failures are the same story
            self._disabled.add(name)
        self.doors_of(name).token.stop(f"{hook_name} {message}")  # every door it holds shuts
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        worker = self.worker_of(name)
        if worker is not None:
            worker.close(f"{hook_name} {message}", final=False)
        self._report(name, hook_name, message)

    def _report(self, name: str, hook_name: str, message: str) -> None:
        problem = PluginProblem(name, hook_name, message, time.time())
        with self._lock:
            self.problems.append(problem)
        log.error(problem.staff_message())


#: hook arguments handed to a plugin through its doors (kiosk.plugin_door), never raw
_DOOR_ARGS = frozenset({"runtime", "checkout", "basket", "line", "ctl"})


def _raw_runtime(value: Any) -> Any:
    """The runtime behind a door or another plugin's scoped view: a hook called with one
    plugin's runtime gives the next plugin its own view, never the first one's."""
    value = unwrap(value)
    if isinstance(value, ScopedRuntime):
        return object.__getattribute__(value, "_runtime")
    return value


def _in_worker(function: Any) -> bool:
    """A forwarder of a plugin with ``isolation = "process"`` (kiosk.plugin_worker)."""
    return bool(getattr(function, IN_WORKER, False))


def _manifest_beside(module: str) -> Manifest | None:
    """The ``plugin.toml`` in the folder of ``module``'s top-level package, found without
    importing it; ``None`` when there is none (a manifest is optional for an entry point)."""
    if not module:
        return None
    try:
        spec = find_spec(module.partition(".")[0])
    except (ImportError, ValueError):
        return None
    for location in (spec and spec.submodule_search_locations) or ():
        if (Path(location) / MANIFEST).is_file():
            return load_manifest(Path(location))
    return None


def _manifest_of_package(module: str) -> Manifest | None:
    """The ``plugin.toml`` of a built-in: in the folder of ``module`` if it is a package
    (``plugins.pay_card``), else of its parent package (``plugins.handoff.plugin``)."""
    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    return load_manifest(folder) if (folder / MANIFEST).is_file() else None


def _first_result(hook: Any) -> bool:
    return bool(hook.spec is not None and hook.spec.opts.get("firstresult"))


def _is_refusal(exc: BaseException) -> bool:
    """Whether ``exc`` is a plugin refusing to start over its settings (missing connection
    settings, a bad value) rather than a fault in its code."""
    from kiosk.config import ConfigError
    from kiosk.payments.simulation import NotConfigured

    return isinstance(exc, NotConfigured | ConfigError)


class _HookWorkers:
    """Daemon threads that run hook calls, reused from call to call.

    Every implementation runs off the caller's thread so that a hang can be stopped at its
    deadline; starting a new thread for each of the dozens of calls a scan makes cost more
    than the plugins' own work. A call that overruns is retired (:meth:`retire`):
    ``PluginStopped`` is raised in its thread at its next Python instruction (a ``sleep`` or
    a socket read in C finishes first) and the thread ends instead of taking another call.
    A nested call (a hook that triggers another hook) gets another idle or new thread, and
    daemon threads never hold up the kiosk's exit (concurrent.futures' pool would).
    """

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._idle = 0
        self._lock = threading.Lock()
        self._running: dict[Future[Any], int] = {}  # a call in progress -> its thread's id
        self._retired: set[int] = set()
        self.retired_count = 0  # threads retired so far (for the tests and the log)

    def submit(self, call: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        # in the caller's context: a hook called while the caller holds the sale lock may
        # enter it as the caller's nested call (kiosk.runtime.sale_lock)
        call = functools.partial(contextvars.copy_context().run, call)
        with self._lock:
            if self._idle:
                self._idle -= 1
            else:
                threading.Thread(target=self._work, name="kiosk-hook", daemon=True).start()
        self._tasks.put((call, future))
        return future

    def close(self) -> None:
        """End the idle threads (the host shuts down); a later call starts a new one."""
        with self._lock:
            idle, self._idle = self._idle, 0
        for _ in range(idle):
            self._tasks.put(None)

    def retire(self, future: Future[Any]) -> bool:
        """Stop the thread running ``future``'s call: ``PluginStopped`` is raised in it, and
        it takes no further call. ``False`` if the call had already ended."""
        with self._lock:
            ident = self._running.get(future)
            if ident is None:
                return False
            self._retired.add(ident)
            self.retired_count += 1
            # CPython's documented way to raise in another thread (checked between bytecodes)
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(ident), ctypes.py_object(PluginStopped)
            )
        log.warning("a hook call overran its deadline: its worker thread is retired")
        return True

    def _work(self) -> None:
        me = threading.get_ident()
        try:
            while True:
                task = self._tasks.get()
                if task is None:  # close(): this idle thread ends
                    return
                call, future = task
                with self._lock:
                    self._running[future] = me
                try:
                    result = call()
                except BaseException as exc:  # handed to the caller, which disables the plugin
                    future.set_exception(exc)
                else:
                    future.set_result(result)
                with self._lock:
                    self._running.pop(future, None)
                    if me in self._retired:
                        self._retired.discard(me)
                        return  # retired: no further call runs on this thread
                    self._idle += 1
                # An idle thread waits in get() with its locals alive: holding the call (its
                # arguments: the runtime, the sale, the UI that called) and its result
                # would keep them all alive until this thread's next call, or for ever.
                del task, call, future
                result = None
        except BaseException:  # PluginStopped arriving between two steps: retired all the same
            with self._lock:
                self._retired.discard(me)
                for future, ident in list(self._running.items()):
                    if ident == me:
                        del self._running[future]
