"""The kiosk's sync thread: ship the outbox, pull master data, say if the back office answers.

Started by :func:`kiosk.app.build_runtime` when the configuration names a back office
(``[backoffice] url`` and ``token``); the kiosk sells the same whether or not it runs.

It is the local store's transport, not a user of the sale: the relay reads and marks the
outbox rows, the master-data applier writes the catalogue, the anchor reporter reads the
journal, each inside the store's own transactions. So it is wired *beside* the runtime with
the store it ships (``store``, the one the runtime was built on), and asks the runtime only
for its named doors (the store clock, ``masterdata_applied``, ``check_store_identity``,
the plugins' ``sync_pull``) — never for ``runtime.store``.

A plugin that pulls something from the back office has a ``sync_pull(client, token)``
method; it runs on this thread whenever the outbox is drained (the kiosk's own changes
arrived first), e.g. coupons used at other kiosks, points entries, members.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from kiosk.sync.anchor import AnchorReporter
from kiosk.sync.masterdata import MasterDataApplier, MasterDataError
from kiosk.sync.relay import AlertKind, CycleOutcome, OutboxRelay, RelayAlert

if TYPE_CHECKING:
    from kiosk.store import LocalStore

log = logging.getLogger(__name__)

MASTERDATA_EVERY_CYCLES = 12  # with a 5 s idle cycle: about once a minute


class SyncService:
    def __init__(
        self,
        runtime: Any,
        store: LocalStore,
        url: str,
        token: str,
        timeout_s: float = 10.0,
        client: httpx.Client | None = None,
        token_source: Callable[[], str] | None = None,
    ) -> None:
        """``store``: the local store ``runtime`` was built on, whose outbox this ships.
        ``token_source``: the kiosk's token as its configuration gives it *now* (re-read while
        the back office refuses the old one, so a re-enrolled kiosk sends without a restart)."""
        self.runtime = runtime
        self.token_source = token_source
        self.store = store
        self.client = client or httpx.Client(base_url=url, timeout=timeout_s)
        # the store's clock: outbox rows carry store time, so backlog ages compare like with like
        self.relay = OutboxRelay(store, self.client, token, runtime=runtime, clock=runtime.clock)
        self.masterdata = MasterDataApplier(
            store, self.client, token, on_applied=runtime.masterdata_applied
        )
        # the kiosk's bearer token goes to the kiosk's own plugins only, never a third party's
        self.pullers = [
            plugin.sync_pull
            for plugin in runtime.host.pm.get_plugins()
            if callable(getattr(plugin, "sync_pull", None))
            and not runtime.host.is_third_party(plugin)
        ]
        self.anchor = AnchorReporter(store, self.client, token, clock=runtime.clock)
        self.pullers.append(self.anchor.sync_pull)
        self.relay.subscribe(self._on_alert)
        self.relay.subscribe_recovered(self._on_recovered)
        self._stop = threading.Event()
        self._identity_checked = self._identity_tried = False
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)

    def start(self) -> None:
        self.anchor.check_at_startup()
        self._thread.start()

    def stop(self, flush_batches: int = 10) -> None:
        """Stop the thread; if the back office is reachable, hand it what is still unsent."""
        self._stop.set()
        self._thread.join(timeout=15)
        for _ in range(flush_batches if self.relay.reachable else 0):
            if self.relay.send_once().outcome is not CycleOutcome.SENT:
                break
        self.client.close()

    def _run(self) -> None:
        cycles = 0
        while not self._stop.is_set():
            if not self._identity_checked and (self.relay.reachable or not self._identity_tried):
                self.check_store_identity()
            result = self.relay.send_once()
            self.relay.check_backlog_after(result)
            if result.outcome is CycleOutcome.STOPPED:
                if not self._waits_for_new_token():
                    log.error("sync stopped: %s", result.detail)
                    return
                # refused token: look for the re-enrolled one now and then (no restart needed)
                self._stop.wait(self.relay.idle_s)
                self.take_new_token()
                continue
            cycles += 1
            if cycles % MASTERDATA_EVERY_CYCLES == 1 and self.relay.reachable:
                self._pull_masterdata()
            if result.outcome is CycleOutcome.IDLE:
                self.pull()
            if result.outcome is CycleOutcome.FAILED:
                self._stop.wait(self.relay.backoff.next_delay())
            elif result.outcome is CycleOutcome.IDLE:
                self._stop.wait(self.relay.idle_s)

    def _waits_for_new_token(self) -> bool:
        return self.relay.stopped is AlertKind.REVOKED and self.token_source is not None

    def take_new_token(self) -> bool:
        """While the back office refuses this kiosk's token: read the configured token again
        and, when staff put a new one there (re-enrolled), send with it. True if it was taken."""
        if not self._waits_for_new_token():
            return False
        try:
            token = self.token_source() if self.token_source is not None else ""
        except Exception as exc:  # a file half-edited, a typo: keep waiting, say why
            log.warning("kiosk token not read again: %s", exc)
            return False
        if not self.relay.resume(token):
            return False
        self.masterdata.token = self.anchor.token = token
        self.store.journal_event("sync_resumed", {"reason": "new_token"}, self.runtime.clock())
        return True

    def check_store_identity(self) -> None:
        """Once the back office answers: is its journal anchor in this database? A kiosk that
        once had a longer (or another) journal refuses to sell until staff confirm."""
        self._identity_tried = True
        try:
            anchor = self.anchor.fetch_anchor()
        except httpx.HTTPError as exc:
            log.info("store identity not checked with the back office yet: %s", exc)
            return
        self._identity_checked = True
        if anchor is not None and hasattr(self.runtime, "check_store_identity"):
            self.runtime.check_store_identity(anchor)

    def _pull_masterdata(self) -> None:
        try:
            version = self.masterdata.check()
        except (MasterDataError, httpx.HTTPError) as exc:
            log.warning("master data not updated: %s", exc)
            return
        if version is not None:
            log.info("master data version %d applied", version)

    def pull(self) -> None:
        """Run every plugin's pull step; one failing never stops the others or the relay."""
        for pull in self.pullers:
            try:
                pull(self.client, self.relay.token)
            except httpx.HTTPError as exc:
                log.warning("sync pull %s failed: %s", getattr(pull, "__qualname__", pull), exc)
            except Exception:
                log.exception("sync pull %s failed", getattr(pull, "__qualname__", pull))

    def _on_alert(self, alert: RelayAlert) -> None:
        self.store.journal_event(
            "sync_alert", {"kind": alert.kind.value, "message": alert.message}, alert.at
        )
        # and to staff on the kiosk's screen, through the runtime's door (kiosk.ui polls it)
        self.runtime.report_sync_alert(
            alert.kind.value,
            alert.at,
            unsent=alert.unsent,
            oldest_unsent_at=alert.oldest_unsent_at,
            message=alert.message,
            stopped=self.relay.stopped is not None,
        )

    def _on_recovered(self, kind: AlertKind) -> None:
        self.runtime.sync_recovered(kind.value)
