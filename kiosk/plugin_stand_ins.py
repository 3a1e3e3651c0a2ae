"""The kiosk's stand-ins for a plugin in a worker process and for its payment methods.

:func:`process_plugin` is registered with the plugin host in the plugin's place: each hook
its manifest lists is a forwarder that sends the call (its data arguments; ``runtime`` as
the scope the worker may know) to the :class:`~kiosk.plugin_worker.ProcessWorker` under
the call's deadline. ``kiosk_payment_methods`` answers :class:`ProcessMethod` objects: a
method's attributes copied, its calls forwarded, a hang or a failure ``UNKNOWN``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.hookspecs import hookimpl
from kiosk.payments.method import PaymentMethod, PaymentResult
from kiosk.payments.outcome import Outcome
from kiosk.plugin_channel import WorkerError, WorkerOverran
from kiosk.plugin_door import PluginStopped
from kiosk.plugin_worker import KILL_GRACE_S, ProcessWorker

log = logging.getLogger(__name__)

#: marks the forwarders: the host calls them on the caller's thread, since they cannot
#: hang (each waits for the worker under the call's deadline, then stops it)
IN_WORKER = "__kiosk_in_worker__"


class ProcessMethod(PaymentMethod):
    """A payment method living in a worker process, as the kiosk holds it.

    The deadlines the ledger reads are the method's own plus the time to start a fresh
    worker and to stop a hung one: this stand-in answers ``UNKNOWN`` at the method's own
    deadline (after stopping the worker), so the ledger's backstop never fires first.
    """

    def __init__(self, worker: ProcessWorker, attributes: dict[str, Any]) -> None:
        self._worker = worker
        self.update(attributes)

    def update(self, attributes: dict[str, Any]) -> None:
        attributes = dict(attributes)
        self._names: dict[str, str] = attributes.pop("names", {})
        self._start_s = attributes.pop("start_deadline_s")
        self._call_s = attributes.pop("call_deadline_s")
        for name, value in attributes.items():
            setattr(self, name, value)

    @property  # type: ignore[override]
    def start_deadline_s(self) -> Any:
        return self._with_backstop(self._start_s)

    @property  # type: ignore[override]
    def call_deadline_s(self) -> Any:
        return self._with_backstop(self._call_s)

    def _with_backstop(self, seconds: Any) -> Any:
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0:
            return seconds + self._worker.boot_deadline_s + KILL_GRACE_S + 1
        return seconds  # nonsense: the kiosk's checks name it as the plugin gave it

    def name(self, language: str) -> str:
        return self._names.get(language) or super().name(language)

    def available(self, online: bool) -> bool:
        return bool(self._ask("available", (online,), self._call_s, fallback=False))

    def network_up(self) -> bool:
        # a worker that cannot answer: ``available`` (asked next) says no for it
        return bool(self._ask("network_up", (), self._call_s, fallback=True))

    def network_problem(self) -> str:
        return str(self._ask("network_problem", (), self._call_s, fallback="") or "")

    def interrupt(self) -> bool:
        return bool(self._ask("interrupt", (), self._call_s, fallback=False, start=False))

    def take_code(self, code: str) -> bool:
        return bool(self._ask("take_code", (code,), self._call_s, fallback=False, start=False))

    def start(self, amount: int, idempotency_key: str) -> PaymentResult:
        return self._pay("start", (amount, idempotency_key), self._start_s)

    def status(self, idempotency_key: str) -> PaymentResult:
        return self._pay("status", (idempotency_key,), self._call_s, settling=True)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        return self._pay("cancel", (idempotency_key,), self._call_s, settling=True)

    def refund(self, idempotency_key: str, amount: int, refund_key: str) -> PaymentResult:
        return self._pay("refund", (idempotency_key, amount, refund_key), self._call_s)

    def _pay(
        self, call: str, args: tuple[Any, ...], seconds: float, *, settling: bool = False
    ) -> PaymentResult:
        """A payment call; a hang (the worker is then stopped) or a failure is ``UNKNOWN``,
        which the ledger resolves by ``status``/``cancel`` on a fresh worker."""
        try:
            return self._worker.call("method", (self.id, call, args), seconds, settling=settling)
        except WorkerOverran as exc:
            why = f"did not answer in {exc.seconds:g} s (its worker process was stopped)"
        except (WorkerError, PluginStopped) as exc:
            why = str(exc)
        log.error(
            "plugin %s: payment method %s: %s %s; the outcome is unknown",
            self._worker.plugin,
            self.id,
            call,
            why,
        )
        return PaymentResult(Outcome.UNKNOWN, message=f"{call}: {why}")

    def _ask(
        self, call: str, args: tuple[Any, ...], seconds: Any, *, fallback: Any, start: bool = True
    ) -> Any:
        try:
            return self._worker.call("method", (self.id, call, args), seconds, start=start)
        except (WorkerError, PluginStopped) as exc:
            log.warning("plugin %s: method %s: %s: %s", self._worker.plugin, self.id, call, exc)
            return fallback


class _ProcessPlugin:
    """The kiosk's stand-in for a plugin in a worker process (see :func:`process_plugin`)."""

    def __init__(self, worker: ProcessWorker, deadline: Callable[[], float]) -> None:
        self.worker, self._deadline = worker, deadline

    def forward(self, hook_name: str, runtime: Any, **kwargs: Any) -> Any:
        return self.worker.hook(hook_name, runtime, kwargs, self._deadline())

    def methods(self, runtime: Any) -> list[Any]:
        described = self.forward("kiosk_payment_methods", runtime)
        if not isinstance(described, list):
            return described  # the host's check names what it is
        methods: list[Any] = []
        for attributes in described:
            if not isinstance(attributes, dict):
                methods.append(attributes)  # not a method: named by the host's check
                continue
            method_id = attributes.get("id")
            method = self.worker.methods.get(method_id) if isinstance(method_id, str) else None
            if method is None:
                method = ProcessMethod(self.worker, attributes)  # a bad id: the check names it
                if isinstance(method_id, str):
                    self.worker.methods[method_id] = method
            else:
                method.update(attributes)
            methods.append(method)
        return methods


def kiosk_startup(self: _ProcessPlugin, runtime: Any) -> None:
    self.forward("kiosk_startup", runtime)


def kiosk_shutdown(self: _ProcessPlugin, runtime: Any) -> None:
    self.forward("kiosk_shutdown", runtime)


def kiosk_masterdata_applied(self: _ProcessPlugin, runtime: Any, version: int) -> None:
    self.forward("kiosk_masterdata_applied", runtime, version=version)


def kiosk_payment_methods(self: _ProcessPlugin, runtime: Any) -> list[Any]:
    return self.methods(runtime)


def kiosk_receipt_sections(self: _ProcessPlugin, sale: Any) -> Any:
    return self.forward("kiosk_receipt_sections", None, sale=sale)


def kiosk_sale_completed(self: _ProcessPlugin, sale: Any) -> None:
    self.forward("kiosk_sale_completed", None, sale=sale)


def kiosk_return_completed(self: _ProcessPlugin, document: dict[str, Any]) -> None:
    self.forward("kiosk_return_completed", None, document=document)


def kiosk_device_status(self: _ProcessPlugin, device: str, status: str) -> None:
    self.forward("kiosk_device_status", None, device=device, status=status)


_FORWARDERS: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (
        kiosk_startup,
        kiosk_shutdown,
        kiosk_masterdata_applied,
        kiosk_payment_methods,
        kiosk_receipt_sections,
        kiosk_sale_completed,
        kiosk_return_completed,
        kiosk_device_status,
    )
}
for _function in _FORWARDERS.values():
    hookimpl(_function)
    setattr(_function, IN_WORKER, True)


def process_plugin(
    worker: ProcessWorker, hooks: tuple[str, ...], deadline: Callable[[], float]
) -> _ProcessPlugin:
    """The stand-in for ``worker``'s plugin, implementing ``hooks`` (its manifest's; each
    one of :data:`kiosk.plugin_manifest.PROCESS_HOOKS`). ``deadline``: the deadline of the
    hook call in progress."""
    members = {hook: _FORWARDERS[hook] for hook in hooks}
    cls = type(f"ProcessPlugin_{worker.plugin}", (_ProcessPlugin,), members)
    return cls(worker, deadline)
