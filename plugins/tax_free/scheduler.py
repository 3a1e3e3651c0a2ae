"""The kiosk's tax-free sender: one daemon thread that runs the queue and the poller.

Started by the plugin's ``kiosk_startup`` when ``[plugins.tax_free] transmit_url`` is set,
stopped by ``runtime.on_shutdown`` (bounded join). Each cycle:

1. :meth:`TransmissionQueue.run_once` sends every due purchase record (back-off on an
   outage, the record id as idempotency key, ``rejected`` for staff on a refusal);
2. when ``poll_every_s`` has passed (and at the first cycle),
   :meth:`ConfirmationPoller.poll_once` applies new customs confirmations to the ledger and
   expires records past the export deadline plus the grace days.

Between cycles the thread waits on an :class:`threading.Event` until the earliest of: the
next queued record falling due, the next poll, ``transmit_every_s``. :meth:`wake` (called by
``kiosk_sale_completed``) ends the wait at once, so a record goes out right after its sale.
Tests either drive :meth:`run_once` directly or start the thread with tiny intervals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from plugins.tax_free.errors import TransmissionUnavailable
from plugins.tax_free.poller import ConfirmationPoller, PollReport
from plugins.tax_free.transmission import QueueReport, TransmissionQueue

log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    transmitted: QueueReport | None = None
    polled: PollReport | None = None  # None: not due this cycle, or the endpoint was away
    errors: list[str] = field(default_factory=list)


class TaxFreeScheduler:
    def __init__(
        self,
        queue: TransmissionQueue,
        poller: ConfirmationPoller,
        *,
        transmit_every_s: float = 60.0,
        poll_every_s: float = 900.0,
        min_wait_s: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.queue = queue
        self.poller = poller
        self.transmit_every_s = transmit_every_s
        self.poll_every_s = poll_every_s
        self.min_wait_s = min(min_wait_s, transmit_every_s)
        self.monotonic = monotonic
        self.on_stop = on_stop  # e.g. close the HTTP client
        self.cycles = 0
        self.last: CycleReport | None = None
        self._next_poll: float | None = None  # monotonic; None: poll at the next cycle
        self._cycle_lock = threading.Lock()  # one cycle at a time (the thread or a caller)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="tax-free-sender", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Run a cycle now (a purchase record was just queued)."""
        self._wake.set()

    def stop(self, timeout_s: float = 15.0) -> bool:
        """Stop the thread (waiting at most ``timeout_s``); True if it has ended. Idempotent."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
            if self._thread.is_alive():
                log.warning("the tax-free sender did not stop within %.0f s", timeout_s)
        if not self._stopped:
            self._stopped = True
            if self.on_stop is not None:
                self.on_stop()
        return not self.running

    # --- one cycle -------------------------------------------------------------------------

    def run_once(self, force_poll: bool = False) -> CycleReport:
        """Send what is due; poll confirmations when due (or ``force_poll``). Never raises."""
        with self._cycle_lock:
            report = CycleReport()
            try:
                report.transmitted = self.queue.run_once()
            except Exception as exc:  # the thread must survive a bad cycle
                log.exception("tax-free transmission cycle failed")
                report.errors.append(f"transmit: {exc}")
            now = self.monotonic()
            if force_poll or self._next_poll is None or now >= self._next_poll:
                self._next_poll = now + self.poll_every_s
                try:
                    report.polled = self.poller.poll_once()
                except TransmissionUnavailable as exc:
                    log.warning("customs confirmations not fetched: %s", exc)
                    report.errors.append(f"poll: {exc}")
                except Exception as exc:
                    log.exception("customs confirmation poll failed")
                    report.errors.append(f"poll: {exc}")
            self.cycles += 1
            self.last = report
            return report

    def next_delay(self) -> float:
        """Seconds until something is due: a queued record, the next poll, or the sweep."""
        delay = self.transmit_every_s
        due = self.queue.next_attempt_at()
        if due is not None:
            delay = min(delay, (due - self.queue.clock()).total_seconds())
        if self._next_poll is not None:
            delay = min(delay, self._next_poll - self.monotonic())
        # never spin: a due row the queue cannot move on (a corrupt record) waits min_wait_s
        return max(delay, self.min_wait_s)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # a wake during the cycle below makes another cycle
            self.run_once()
            try:
                delay = self.next_delay()
            except Exception:  # the store is closing, or similar: try again later
                log.exception("tax-free sender could not read the queue")
                delay = self.transmit_every_s
            self._wake.wait(delay)
