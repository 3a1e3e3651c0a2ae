"""Plugins with ``isolation = "process"``: their hooks run in a worker process the kiosk kills.

A hook that overruns its deadline in the kiosk's own process can only be asked to stop
(:mod:`kiosk.plugins`), and a thread stuck in C — ``socket.recv`` with no timeout, a
blocking serial read — never stops. A plugin that declares ``isolation = "process"`` in its
``plugin.toml`` therefore runs in a child process (``spawn``: the kiosk has threads, so no
fork) that imports it and answers its hooks and its payment methods' calls over a pipe
(:mod:`kiosk.plugin_channel`, :mod:`kiosk.plugin_worker_child`).

In the kiosk the plugin is a stand-in (:mod:`kiosk.plugin_stand_ins`), registered with the
host like any plugin (so results are type-checked and failures disable it as for a thread
plugin), and so are its payment methods. At a deadline the worker is
stopped (SIGTERM, then SIGKILL) and the call becomes what its contract says: a payment call
is ``UNKNOWN`` (the ledger resolves it by ``status``/``cancel``, which start a fresh
worker), any other hook disables the plugin. Start-up of a worker has its own deadline (the
host's start-up deadline), not the call's.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from typing import TYPE_CHECKING, Any

from kiosk.keys import key_dir
from kiosk.plugin_channel import Channel, WorkerCallFailed, WorkerError, WorkerGone
from kiosk.plugin_door import PluginStopped
from kiosk.plugin_worker_child import WorkerScope, serve

if TYPE_CHECKING:
    from kiosk.plugin_stand_ins import ProcessMethod

log = logging.getLogger(__name__)

#: seconds a stopped worker gets between SIGTERM and SIGKILL
KILL_GRACE_S = 2.0
#: a plain fork would copy the kiosk's threads' locks mid-use
START_METHOD = "spawn"


class ProcessWorker:
    """One plugin's worker process: started on first use, stopped at a deadline, started
    afresh for the next call (until the plugin is disabled: then :meth:`close`)."""

    def __init__(
        self,
        plugin: str,
        module: str,
        paths: list[str],
        boot_deadline_s: float,
        hooks: tuple[str, ...] = (),
    ) -> None:
        self.plugin, self.module, self.paths, self.hooks = plugin, module, paths, hooks
        self.boot_deadline_s = boot_deadline_s
        self.scope = WorkerScope()
        self.runtime: Any = None  # the plugin's door to the runtime, for send_event
        self.started = False  # kiosk_startup went to the worker: a fresh one runs it again
        self.methods: dict[str, ProcessMethod] = {}
        self.pids: list[int] = []  # every worker process started (the log, the tests)
        self._closed = ""  # why no hook may start a worker any more
        self._final = False  # … nor a status/cancel settling a payment (the kiosk shut down)
        self._lock = threading.RLock()  # held through a boot: no call overtakes it
        self._process: Any = None
        self._channel: Channel | None = None

    # --- calls ---------------------------------------------------------------------------

    def call(
        self,
        what: str,
        payload: Any,
        deadline_s: float,
        *,
        start: bool = True,
        settling: bool = False,
    ) -> Any:
        """``what`` in the worker (started first if ``start``); at the deadline the worker
        is stopped and :class:`~kiosk.plugin_channel.WorkerOverran` raised. ``settling``: a
        ``status``/``cancel`` that settles a payment, allowed after the plugin was disabled
        (as for a thread plugin, whose method the ledger still asks)."""
        channel = self._ensure(settling) if start else self._channel
        if channel is None or channel.closed.is_set():
            raise WorkerGone(f"{what}: the worker of {self.plugin!r} is not running")
        try:
            return channel.request(what, payload, deadline_s)
        except WorkerCallFailed as exc:
            log.debug(
                "plugin %s: %s failed in its worker:\n%s", self.plugin, what, exc.failure.trace
            )
            raise
        except WorkerError:
            self._stop(channel)
            raise

    def hook(self, hook_name: str, runtime: Any, kwargs: dict[str, Any], deadline_s: float) -> Any:
        if runtime is not None:
            self.runtime = runtime
            self.scope = scope_of(self.plugin, runtime)
        scope = self.scope if runtime is not None else None
        if hook_name == "kiosk_startup":
            self.started = True
        return self.call("hook", (hook_name, kwargs, scope), deadline_s)

    def close(self, reason: str, *, final: bool = True) -> None:
        """Stop the worker; no hook starts another. ``final=False`` (the plugin was
        disabled): a payment still open may be settled by ``status``/``cancel`` on a fresh
        worker; ``final`` (the kiosk shuts down): nothing starts one."""
        with self._lock:
            self._closed = reason
            self._final = self._final or final
        if self._channel is not None:
            self._stop(self._channel)

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    # --- the process ---------------------------------------------------------------------

    def _ensure(self, settling: bool = False) -> Channel:
        """The running worker, started (and booted: the plugin imported) if there is none."""
        with self._lock:
            if self._closed and (self._final or not settling):
                raise PluginStopped(f"plugin {self.plugin!r} was stopped ({self._closed})")
            if self._channel is not None and not self._channel.closed.is_set():
                return self._channel
            if self._channel is not None:
                self._reap()  # it died (or was stopped): collect it before the next
            channel = self._spawn()
            boot = {
                "plugin": self.plugin,
                "module": self.module,
                "paths": self.paths,
                "scope": self.scope,
                "startup": self.started,
            }
            try:
                implemented = channel.request("boot", boot, self.boot_deadline_s)
            except WorkerError as exc:
                self._reap()
                raise WorkerGone(f"its worker process did not start: {exc}") from None
            missing = sorted(set(self.hooks) - set(implemented))
            if missing:
                log.error("plugin %s: plugin.toml lists hooks it lacks: %s", self.plugin, missing)
            log.info("plugin %s: worker process %d started", self.plugin, self.pids[-1])
            return channel

    def _spawn(self) -> Channel:
        context = multiprocessing.get_context(START_METHOD)
        ours, theirs = context.Pipe()
        process = context.Process(
            target=serve,
            args=(theirs, logging.getLogger().getEffectiveLevel()),
            name=f"kiosk-worker-{self.plugin}",
            daemon=True,  # multiprocessing stops it at the kiosk's exit, too
        )
        process.start()
        theirs.close()  # the worker's end: its death is then our end-of-file
        channel = Channel(
            ours,
            on_call=self._answer,
            on_note=self._take_note,
            threaded=False,
            name=f"kiosk-worker-{self.plugin}",
        )
        channel.start_reader()
        self._process, self._channel = process, channel
        self.pids.append(process.pid)
        return channel

    def _stop(self, channel: Channel) -> None:
        """Stop the worker serving ``channel`` (not a newer one started meanwhile)."""
        with self._lock:
            if channel is not self._channel:
                return
            self._reap()

    def _reap(self) -> None:
        process, channel = self._process, self._channel
        self._process = self._channel = None
        if process is not None and process.is_alive():
            process.terminate()
            process.join(KILL_GRACE_S)
            if process.is_alive():
                process.kill()
            process.join()
            log.warning("plugin %s: worker process %d stopped", self.plugin, process.pid)
        elif process is not None:
            process.join()
        if channel is not None:
            channel.close()
        if process is not None:
            process.close()

    # --- what the worker sends -----------------------------------------------------------

    def _answer(self, what: str, payload: Any) -> Any:
        if what != "send_event":
            raise ValueError(f"unknown request {what!r}")
        if self.runtime is None:
            raise RuntimeError("no hook has handed the plugin a runtime yet")
        kind, body, aggregate_id = payload
        return self.runtime.send_event(kind, body, aggregate_id)

    def _take_note(self, kind: str, payload: Any) -> None:
        if kind == "log":
            level, name, text = payload
            logging.getLogger(name).log(level, "[worker of %s] %s", self.plugin, text)
        elif kind == "progress":
            method_id, progress = payload
            method = self.methods.get(method_id)
            if method is not None:
                method.report(progress)


def scope_of(plugin: str, runtime: Any) -> WorkerScope:
    """What of ``runtime`` (the plugin's door) the worker may know, as data."""
    config = runtime.config
    try:
        keys: str | None = str(key_dir(config))
    except Exception:  # no data dir (a command): the plugin's keys are then refused
        keys = None
    return WorkerScope(
        settings=dict(config.plugin_settings(plugin)),
        key_dir=keys,
        language=str(getattr(runtime, "language", "ja")),
        online=bool(getattr(runtime, "backoffice_reachable", True)),
        sale_id=str(getattr(runtime, "sale_id", "") or ""),
    )
