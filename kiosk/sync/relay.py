"""The outbox relay (送信): ships committed sales to the back office, at least once, in order.

Each cycle sends the oldest unsent outbox rows as one batch. The back office answers
``acked_through`` (every seq up to it is stored there) and the relay marks exactly those rows
sent. A lost answer just means the same rows go again; the back office acknowledges them
without writing twice (see :mod:`kiosk.backoffice.sales.ingest`).

Failures (no connection, timeouts, 5xx) back off exponentially with jitter; the clock and
sleep are injected so tests can run a day of downtime in milliseconds. The relay sets
``runtime.backoffice_reachable`` from whether the back office answers (what needs the back
office reads it: member look-up, another kiosk's sale at the return desk); payment methods
never do, each has its own network (:meth:`PaymentMethod.network_up`). A revoked kiosk (401/403) stops
the relay and raises a ``revoked`` alert; a backlog older than ``alert_after`` raises a
``backlog`` alert for staff.

A batch goes as one body of bytes with each payload's JSON text as the store holds it
(:mod:`kiosk.sync.wire`). A drain ends without the idle probe (``GET /sync/status``) when
the cycle before it was an acknowledged batch: the back office just answered.

A 4xx that names one event of the batch (422: it failed the back office's schema) or a 413
for a single event *parks* that event (:mod:`kiosk.sync.parking`): it stays in the kiosk's
database for staff, a ``rejected`` alert is raised, and the rest are delivered in order. A
413 for a batch halves the batch. Any other 4xx stops the relay with the ``rejected`` alert.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx
from sqlalchemy import func, select, update

from kiosk.store import LocalStore
from kiosk.store.models import OutboxRow
from kiosk.sync import parking
from kiosk.sync.backoff import Backoff
from kiosk.sync.wire import wire_body

log = logging.getLogger(__name__)


#: what staff read when ``[backoffice] url`` is set without the kiosk's token
MISSING_TOKEN = (
    "[backoffice.token] missing: the back office needs this kiosk's token "
    "(kiosk-backoffice enrol-kiosk ID prints it; KIOSK_BACKOFFICE__TOKEN=… or token = … in kiosk.toml)"
)


class AlertKind(StrEnum):
    BACKLOG = "backlog"  # unsent sales older than the threshold: is the back office down?
    REVOKED = "revoked"  # the back office refused this kiosk's token: re-enrol it
    GAP = "gap"  # the back office misses rows this kiosk no longer has: call support
    REJECTED = "rejected"  # the back office refused an event or batch as malformed (4xx)


@dataclass(frozen=True, slots=True)
class RelayAlert:
    kind: AlertKind
    message: str
    at: datetime
    unsent: int = 0
    oldest_unsent_at: datetime | None = None


class CycleOutcome(StrEnum):
    SENT = "sent"  # a batch was acknowledged (more may be waiting)
    IDLE = "idle"  # nothing to send
    FAILED = "failed"  # back office unreachable or failing: backing off
    PARKED = "parked"  # one event was refused and parked for staff; the rest go on
    STOPPED = "stopped"  # revoked or rejected: needs staff


@dataclass(frozen=True, slots=True)
class CycleResult:
    outcome: CycleOutcome
    acked: int = 0
    detail: str = ""


class OutboxRelay:
    def __init__(
        self,
        store: LocalStore,
        client: httpx.Client,
        token: str,
        *,
        runtime: Any = None,
        clock: Callable[[], datetime] = datetime.now,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        batch_size: int = 100,
        idle_s: float = 5.0,
        backoff: Backoff | None = None,
        alert_after: timedelta = timedelta(minutes=30),
    ) -> None:
        self.store, self.client, self.token, self.runtime = store, client, token, runtime
        self.clock, self.sleep = clock, sleep
        self.batch_size, self.idle_s, self.alert_after = batch_size, idle_s, alert_after
        self.backoff = backoff or Backoff(rng=rng or random.Random())
        self.batch_limit = batch_size  # halved when the back office finds a batch too large
        self.stopped: AlertKind | None = None
        self.alerts: list[RelayAlert] = []
        self._listeners: list[Callable[[RelayAlert], None]] = []
        self._recovered: list[Callable[[AlertKind], None]] = []
        self._backlog_alerted = False
        self._resumed = False  # re-enrolled: the refused token's alert ends at the next answer
        self.reachable: bool | None = None
        # the back office just took a batch: a drain that finds nothing more needs no probe
        self._answered = False

    def subscribe(self, listener: Callable[[RelayAlert], None]) -> None:
        """``listener(alert)`` is called for every alert (e.g. to light the call lamp)."""
        self._listeners.append(listener)

    def subscribe_recovered(self, listener: Callable[[AlertKind], None]) -> None:
        """``listener(kind)`` is called when an alert's episode ends (the backlog was sent),
        e.g. to take the staff banner down."""
        self._recovered.append(listener)

    # --- one cycle ----------------------------------------------------------------------------

    def send_once(self) -> CycleResult:
        """Send one batch (or probe when idle) and record the outcome; never sleeps."""
        if self.stopped:
            return CycleResult(CycleOutcome.STOPPED, detail=self.stopped.value)
        if not self.token:
            # an empty bearer is refused by the HTTP library before it is sent: taken as
            # "unreachable", the kiosk went offline (no card) and staff were told the network
            return self._stop(AlertKind.REVOKED, MISSING_TOKEN)
        rows = self._unsent(min(self.batch_size, self.batch_limit))
        answered, self._answered = self._answered, False
        if not rows and answered:  # reachable, backoff reset: the last cycle's POST showed it
            return CycleResult(CycleOutcome.IDLE)
        try:
            if rows:
                response = self._post(rows)
            else:
                response = self.client.get("/api/v1/sync/status", headers=self._auth())
        except httpx.TransportError as exc:  # no route, refused, timeout, reset, lost answer
            self._set_reachable(False)
            return CycleResult(CycleOutcome.FAILED, detail=f"{type(exc).__name__}: {exc}")
        return self._handle(response, rows)

    def _handle(self, response: httpx.Response, rows: list[OutboxRow]) -> CycleResult:
        status = response.status_code
        if status >= 500:
            self._set_reachable(False)
            self.backoff.retry_after(response.headers.get("Retry-After"))  # a 503's "come back in"
            return CycleResult(CycleOutcome.FAILED, detail=f"HTTP {status}")
        self._set_reachable(True)
        if status in (401, 403):
            return self._stop(
                AlertKind.REVOKED,
                f"back office refused this kiosk (HTTP {status}): {_detail(response)}; re-enrol it",
            )
        if status == 409:
            return self._rewind(int(response.json().get("expected_seq") or 0))
        if status in (413, 422) and rows:
            refused = self._refused(response, rows)
            if refused is not None:
                return refused
        if status >= 400:
            return self._stop(
                AlertKind.REJECTED,
                f"back office rejected a batch (HTTP {status}): {_detail(response)}",
            )
        self.backoff.reset()
        if self._resumed:  # the new token was taken: the refusal's episode is over
            self._resumed = False
            self._tell_recovered(AlertKind.REVOKED)
        if not rows:
            behind = self._behind(response)
            if behind is not None:  # restored from a backup while this kiosk had nothing new
                return self._rewind(behind + 1)
            return CycleResult(CycleOutcome.IDLE)
        acked_through = int(response.json()["acked_through"])
        acked = [r.seq for r in rows if r.seq <= acked_through]
        self.store.mark_sent(acked, self.clock())
        self._answered = True
        return CycleResult(CycleOutcome.SENT, acked=len(acked))

    def _refused(self, response: httpx.Response, rows: list[OutboxRow]) -> CycleResult | None:
        """Park the event a 422/413 names (or halve a too-large batch); None: not one event."""
        detail = _detail(response)
        if response.status_code == 413 and len(rows) > 1:
            self.batch_limit = max(1, len(rows) // 2)
            log.warning("back office: batch too large; sending %d at a time", self.batch_limit)
            return CycleResult(CycleOutcome.SENT, detail=f"batch of {self.batch_limit}")
        row = rows[0] if response.status_code == 413 else _named(response, rows)
        if row is None or row.parked_at is not None:  # a refused stand-in: staff must look
            return None
        reason = f"HTTP {response.status_code}: {detail}"
        parking.park(self.store, row.seq, reason, self.clock())
        count, oldest = self.oldest_unsent()
        self._emit(
            RelayAlert(
                AlertKind.REJECTED,
                f"back office refused outbox event seq {row.seq} ({row.kind}): {detail}; "
                f"parked for staff (kiosk outbox list / retry {row.seq}); the rest go on",
                self.clock(),
                count,
                oldest,
            )
        )
        return CycleResult(CycleOutcome.PARKED, detail=f"parked seq {row.seq}")

    def _behind(self, response: httpx.Response) -> int | None:
        """The back office's ``last_seq`` when it is below a seq it acknowledged (it was
        restored from a backup); else None. An idle kiosk learns it here, not at its next
        sale's 409."""
        try:
            answer = response.json()
        except ValueError:
            return None
        last_seq = answer.get("last_seq") if isinstance(answer, dict) else None
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            return None
        with self.store.transaction() as session:
            acked = session.scalar(
                select(func.max(OutboxRow.seq)).where(OutboxRow.sent_at.is_not(None))
            )
        return last_seq if acked is not None and last_seq < acked else None

    def _rewind(self, expected: int) -> CycleResult:
        """The back office lacks rows from ``expected`` on (restored from a backup): resend."""
        with self.store.transaction() as session:
            lowest = session.scalar(
                select(func.min(OutboxRow.seq)).where(OutboxRow.seq >= expected)
            )
            if lowest == expected:
                session.execute(
                    update(OutboxRow).where(OutboxRow.seq >= expected).values(sent_at=None)
                )
        if lowest != expected:
            return self._stop(
                AlertKind.GAP,
                f"back office expects outbox seq {expected}, which this kiosk does not have",
            )
        log.warning("back office is behind: resending outbox from seq %d", expected)
        return CycleResult(CycleOutcome.SENT, detail=f"rewound to {expected}")

    def resume(self, token: str) -> bool:
        """Staff re-enrolled this kiosk: send again with ``token``. Only a relay stopped for a
        refused (or missing) token resumes, and only with another token; a gap or a refused
        batch needs support. Nothing is lost or doubled: the unsent rows go from where they
        stopped and the back office takes each sale once (by sale id)."""
        if self.stopped is not AlertKind.REVOKED or not token or token == self.token:
            return False
        self.token, self.stopped, self._resumed = token, None, True
        self.backoff.reset()
        log.warning("sync resumes with this kiosk's new token")
        return True

    # --- the loop -----------------------------------------------------------------------------

    def run(self, max_cycles: int, *, stop_when_idle: bool = False) -> CycleResult:
        """Run up to ``max_cycles`` cycles, sleeping (injected) between them as needed."""
        result = CycleResult(CycleOutcome.IDLE)
        for _ in range(max_cycles):
            result = self.send_once()
            self.check_backlog_after(result)
            if result.outcome is CycleOutcome.STOPPED or (
                stop_when_idle and result.outcome is CycleOutcome.IDLE
            ):
                break
            if result.outcome is CycleOutcome.FAILED:
                self.sleep(self.backoff.next_delay())
            elif result.outcome is CycleOutcome.IDLE:
                self.sleep(self.idle_s)
        return result

    # --- staff alerts -------------------------------------------------------------------------

    def oldest_unsent(self) -> tuple[int, datetime | None]:
        # a read: no write lock and no commit, since it runs after every cycle of a drain
        return self.store.unsent_backlog()

    def check_backlog_after(self, result: CycleResult) -> RelayAlert | None:
        """:meth:`check_backlog` unless the cycle just moved sales (the back office is taking
        them: no backlog episode). Counting after every batch of a drain was 3-4% of it."""
        if result.outcome is CycleOutcome.SENT and result.acked:
            return None
        return self.check_backlog()

    def check_backlog(self) -> RelayAlert | None:
        """Alert (once per episode) when the oldest unsent sale is older than ``alert_after``."""
        count, oldest = self.oldest_unsent()
        now = self.clock()
        if oldest is None or now - oldest <= self.alert_after:
            if self._backlog_alerted:
                self._backlog_alerted = False
                self._tell_recovered(AlertKind.BACKLOG)
            return None
        alert = RelayAlert(
            AlertKind.BACKLOG,
            f"{count} sale(s) not yet sent; the oldest is from {oldest:%Y-%m-%d %H:%M}. Is the back office down?",
            now,
            count,
            oldest,
        )
        if not self._backlog_alerted:
            self._backlog_alerted = True
            self._emit(alert)
        return alert

    # --- plumbing -----------------------------------------------------------------------------

    def _unsent(self, limit: int) -> list[Any]:
        """The next batch's rows, payloads as the JSON text stored (see :mod:`kiosk.sync.wire`)."""
        return self.store.unsent_outbox_wire(limit)

    def _post(self, rows: list[Any]) -> httpx.Response:
        body = self._batch(rows)
        if not isinstance(body, bytes):  # a document (a test's stand-in batch): encode it
            return self.client.post("/api/v1/sync/outbox", json=body, headers=self._auth())
        headers = {**self._auth(), "Content-Type": "application/json"}
        return self.client.post("/api/v1/sync/outbox", content=body, headers=headers)

    def _batch(self, rows: list[Any]) -> bytes | dict[str, Any]:
        """The batch's body: :func:`~kiosk.sync.wire.wire_body`, the stored payloads as they are."""
        # the database's instance id: seqs restarted by a re-image are new sales, not resends
        return wire_body(self.store.instance_id, rows)

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _set_reachable(self, reachable: bool) -> None:
        if reachable != self.reachable:
            log.info("back office %s", "reachable" if reachable else "unreachable")
        self.reachable = reachable
        if self.runtime is not None:
            self.runtime.backoffice_reachable = reachable

    def _stop(self, kind: AlertKind, message: str) -> CycleResult:
        self.stopped = kind
        count, oldest = self.oldest_unsent()
        self._emit(RelayAlert(kind, message, self.clock(), count, oldest))
        return CycleResult(CycleOutcome.STOPPED, detail=message)

    def _emit(self, alert: RelayAlert) -> None:
        log.warning("sync alert %s: %s", alert.kind, alert.message)
        self.alerts.append(alert)
        for listener in list(self._listeners):
            try:
                listener(alert)
            except Exception:
                log.exception("relay alert listener failed")

    def _tell_recovered(self, kind: AlertKind) -> None:
        log.info("sync alert %s over", kind)
        for listener in list(self._recovered):
            try:
                listener(kind)
            except Exception:
                log.exception("relay recovery listener failed")


def _named(response: httpx.Response, rows: list[OutboxRow]) -> OutboxRow | None:
    """The row of the batch the answer's ``event`` names (by seq, else by position)."""
    try:
        event = response.json().get("event") or {}
        seq, index = event.get("seq"), event.get("index")
    except (ValueError, AttributeError):
        return None
    by_seq = {r.seq: r for r in rows}
    if isinstance(seq, int) and seq in by_seq:
        return by_seq[seq]
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(rows):
        return rows[index]
    return None


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))
    except ValueError:
        return response.text[:200]
