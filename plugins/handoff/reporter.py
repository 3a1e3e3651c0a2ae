"""The kiosk's state report to the back office, and the console's command queue.

Each report (a heartbeat, and at once after every state change) carries the state, the
total, seconds in state, device health, unsent sales, pending alerts, the state transitions
since the last report, PIN actions for the audit log, finished hand-offs and the results of
the last commands. The answer carries new commands, which :class:`StaffActions` runs. A kiosk
that stops reporting is shown offline by the back office.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.attendant_policy import AlertKind, KioskRole, ReportedState
from kiosk.domain.events import AttendantNeeded, AttendantReason, CheckoutState, StateChanged
from plugins.handoff.actions import StaffActions
from plugins.handoff.client import StoreServer
from plugins.handoff.errors import HandOffError

log = logging.getLogger(__name__)

# The back office's schema bounds each report (kiosk/backoffice/kiosk_schemas.py): a kiosk
# back from a long time offline sends its queued records a slice per report, in order.
PER_REPORT = 50
FAULT_WORDS = ("error", "fault", "disconnect", "offline", "jam", "paper out", "unplug", "failed")

ALERTS = {
    AttendantReason.HELP_REQUESTED: AlertKind.HELP,
    AttendantReason.AGE_CHECK: AlertKind.AGE,
    AttendantReason.DEVICE_FAULT: AlertKind.DEVICE_FAULT,
    AttendantReason.PAYMENT_PROBLEM: AlertKind.PAYMENT_PROBLEM,
    AttendantReason.REMOVAL_APPROVAL: AlertKind.REMOVAL,
    AttendantReason.INACTIVITY: AlertKind.HELP,
}


def is_fault(status: str) -> bool:
    return any(word in status.lower() for word in FAULT_WORDS)


@dataclass
class StatusReporter:
    runtime: Any
    server: StoreServer
    actions: StaffActions
    role: KioskRole = KioskRole.SELF
    interval_s: float = 5.0
    health: dict[str, str] = field(default_factory=dict)
    _transitions: list[dict[str, Any]] = field(default_factory=list)
    _alerts: list[dict[str, Any]] = field(default_factory=list)
    _done: list[dict[str, Any]] = field(default_factory=list)
    _results: list[dict[str, Any]] = field(default_factory=list)
    _since: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    last_error: str = ""

    def __post_init__(self) -> None:
        self._since = self.runtime.clock()
        self.runtime.subscribe(self._on_event)

    # --- what the kiosk tells us ---------------------------------------------------------

    def _on_event(self, event: Any) -> None:
        now = self.runtime.clock()
        with self._lock:
            if isinstance(event, StateChanged):
                self._since = now
                self._transitions.append(
                    {
                        "old": event.old.value,
                        "new": event.new.value,
                        "trigger": event.trigger,
                        "at": now.isoformat(),
                    }
                )
                if event.new is not CheckoutState.NEEDS_ATTENDANT:
                    self._alerts.clear()
            elif isinstance(event, AttendantNeeded):
                kind = ALERTS.get(event.reason, AlertKind.HELP)
                if kind is AlertKind.PAYMENT_PROBLEM and "unknown" in event.detail.lower():
                    kind = AlertKind.PAYMENT_UNKNOWN
                detail = self._line_name(event.line_id) if kind is AlertKind.AGE else None
                self._alerts.append({"kind": kind.value, "detail": (detail or event.detail)[:200]})
        self._wake.set()

    def _line_name(self, line_id: int | None) -> str | None:
        """The basket line's product name as the console's basket shows it (Japanese): the
        checkout's age-check detail is the English name, which read oddly on the console."""
        if line_id is None:
            return None
        try:
            return self.runtime.sale_view().line(line_id).product.name_ja or None
        except ValueError:  # BasketError: the line is gone already
            return None

    def device_status(self, device: str, status: str) -> None:
        with self._lock:
            self.health[str(device)[:64]] = str(status)[:200]
        self._wake.set()

    def handoff_done(self, handoff_id: str, sale_id: str, total: int) -> None:
        with self._lock:
            self._done.append({"handoff_id": handoff_id, "sale_id": sale_id, "total": total})
        self._wake.set()

    # --- the report ----------------------------------------------------------------------

    def state(self) -> ReportedState:
        checkout_state = self.runtime.state
        if checkout_state is CheckoutState.IDLE and any(is_fault(s) for s in self.health.values()):
            return ReportedState.ERROR
        if checkout_state is CheckoutState.PAID:
            return ReportedState.PAYING
        return ReportedState(checkout_state.value)

    def snapshot(self) -> dict[str, Any]:
        runtime = self.runtime
        now = runtime.clock()
        unsent = runtime.unsent_sales(10_000)
        sale = runtime.sale_view()  # one consistent reading of the sale
        with self._lock:
            alerts = [dict(a) for a in self._alerts]
            if any(is_fault(s) for s in self.health.values()):
                alerts.append(
                    {
                        "kind": AlertKind.DEVICE_FAULT.value,
                        "detail": ", ".join(
                            f"{d}: {s}" for d, s in self.health.items() if is_fault(s)
                        ),
                    }
                )
            return {
                "role": self.role.value,
                "state": self.state().value,
                "checkout_state": sale.state.value,
                "mode": self.actions.mode.value,
                "total": sale.totals.total,
                "items": sale.item_count,
                "seconds_in_state": max(0, int((now - (self._since or now)).total_seconds())),
                "health": dict(self.health),
                "unsent_sales": unsent,
                "alerts": alerts,
                "handoff_id": runtime.sale_extra.get("handoff_id"),
                "lines": [
                    {
                        "line_id": li.line_id,
                        "sku": li.product.sku,
                        "name": li.product.name_ja,
                        "quantity": li.quantity,
                        "amount": li.amount,
                    }
                    for li in sale.active_lines
                ][:50],
            }

    def send_once(self) -> int:
        """Report once and run the commands the answer brings; returns how many ran."""
        body = self.snapshot()
        with self._lock:
            transitions, self._transitions = _split(self._transitions)
            done, self._done = _split(self._done)
            results, self._results = _split(self._results)
        audit, later = _split(self.actions.take_audit())
        if later:
            self.actions.give_back_audit(later)
        audit = [_bounded_audit(entry) for entry in audit]
        body.update(transitions=transitions, audit=audit, handoffs_done=done, results=results)
        try:
            answer = self.server.report(body)
        except HandOffError as exc:
            self.last_error = str(exc)
            with self._lock:  # keep everything for the next try, in order
                self._transitions = transitions + self._transitions
                self._done = done + self._done
                self._results = results + self._results
            self.actions.give_back_audit(audit)
            raise
        self.last_error = ""
        commands = answer.get("commands", [])
        for command in commands:
            result = self.actions.perform(
                command["action"], command["by"], via="console", **command.get("args", {})
            )
            with self._lock:
                self._results.append(
                    {"id": command["id"], "ok": result.ok, "detail": str(result.detail)[:300]}
                )
        return len(commands)

    # --- the loop ------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="status-reporter", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if self.send_once():
                    continue  # commands ran: report their results now
            except HandOffError as exc:
                log.info("state report not delivered: %s", exc)
            except Exception:
                log.exception("state report failed")
            self._wake.wait(self.interval_s)


def _split(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return items[:PER_REPORT], items[PER_REPORT:]


def _bounded_audit(entry: dict[str, Any]) -> dict[str, Any]:
    """An audit entry within the back office's limits (free text is cut, never refused)."""
    return {
        **entry,
        "staff_id": None if entry.get("staff_id") is None else str(entry["staff_id"])[:64],
        "detail": str(entry.get("detail") or "")[:300],
    }
