"""The kiosk side of tax-free sales, wired through the ordinary hooks.

- ``kiosk_startup``: read ``[plugins.tax_free]``; when enabled, open the key, the record
  store and the :class:`~plugins.tax_free.desk.TaxFreeDesk`, and finish records a crash left
  as drafts. Record summaries go to the outbox (:mod:`.summary`); with a back office the
  same-day minimum counts the whole store's records (:mod:`.storewide`). With ``transmit_url`` set, start the
  :class:`~plugins.tax_free.scheduler.TaxFreeScheduler` thread (stopped at shutdown).
- ``kiosk_claim_scan``: a Visit Japan Web tax-free code, or a passport MRZ typed in by a HID
  passport reader, identifies the buyer.
- ``kiosk_sale_completed``: the draft becomes a purchase record (or not, below the minimum);
  a queued record wakes the sender.
- ``kiosk_receipt_sections``: the record summary, in English and the shopper's language.
- ``kiosk_state_changed``: back to idle ends the tax-free session.

The UI reaches the desk with :func:`desk_for`; staff see the refund ledger through
:func:`tax_free_ledger`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.hookspecs import hookimpl
from kiosk.keys import key_dir, key_file
from plugins.tax_free import vjw
from plugins.tax_free.crypto import PersonalDataCipher, load_key
from plugins.tax_free.desk import TaxFreeDesk
from plugins.tax_free.errors import TaxFreeError, TaxFreeUnavailable
from plugins.tax_free.layout import TaxFreeLayout
from plugins.tax_free.ledger import LedgerRow, RefundLedger, ledger_rows
from plugins.tax_free.models import RecordStatus
from plugins.tax_free.mrz_reader import td3_lines
from plugins.tax_free.poller import ConfirmationPoller
from plugins.tax_free.receipt import sections_for
from plugins.tax_free.record import StoreInfo
from plugins.tax_free.recorder import OutcomeKind, Recorder, RecordOutcome
from plugins.tax_free.scheduler import TaxFreeScheduler
from plugins.tax_free.settings import TaxFreeSettings, TaxFreeSettingsTable
from plugins.tax_free.store import TaxFreeStore
from plugins.tax_free.storewide import BackofficeTotals
from plugins.tax_free.summary import OutboxSummaries
from plugins.tax_free.transmission import HttpTransmitter, TransmissionQueue

log = logging.getLogger(__name__)

PLUGIN_NAME = "tax_free"
MODULE_NAME = "plugins.tax_free"


class Plugin(TaxFreeLayout):
    def __init__(self) -> None:
        self.desk: TaxFreeDesk | None = None
        self.ledger: RefundLedger | None = None
        self.scheduler: TaxFreeScheduler | None = None
        self.settings = TaxFreeSettings()
        self.receipt_width = 42
        self._outcomes: dict[str, RecordOutcome] = {}

    def plugin_api(self) -> Plugin:
        """What ``runtime.plugin_api("tax_free")`` gives this plugin's own screens and
        command-line helpers (:func:`desk_for`, :func:`tax_free_ledger`): the plugin itself."""
        return self

    # --- lifecycle -----------------------------------------------------------------------

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[TaxFreeSettingsTable]]:
        # the keys and types, checked when kiosk.toml is read; the values' meaning at start-up
        return PLUGIN_NAME, TaxFreeSettingsTable

    @hookimpl
    def kiosk_startup(self, runtime: Any) -> None:
        config = runtime.config
        keys = key_dir(config)
        key_file(keys, PLUGIN_NAME, legacy_dir=config.data_dir)  # moves an old data-dir key
        self.settings = TaxFreeSettings.from_settings(config.plugin_settings(PLUGIN_NAME), keys)
        if not self.settings.enabled:
            return
        assert self.settings.key_file is not None
        cipher = PersonalDataCipher(load_key(self.settings.key_file, self.settings.create_key))
        store = TaxFreeStore(
            runtime.unit_of_work,
            runtime.reading,
            runtime.database(),
            cipher,
            lambda: runtime.clock(),
        )
        issuer = config.issuer
        info = StoreInfo(
            store_code=self.settings.store_code,
            operator_name=issuer.name,
            registration_number=issuer.registration_number,
            address=issuer.address,
            kiosk_id=config.kiosk_id,
        )
        OutboxSummaries(store)  # the back office's store-wide ledger, same-day totals, journal
        recorder = Recorder(
            store, self.settings, info, config.policy.rounding, self._totals(runtime, store)
        )
        recorder.recover(lambda sale_id: runtime.sale_and_returns(sale_id)[0], runtime.sale_id)
        self.receipt_width = config.receipt_width
        self.desk = TaxFreeDesk(runtime, recorder)
        self.ledger = RefundLedger(store, grace_days=self.settings.confirmation_grace_days)
        if self.settings.transmits:
            self.scheduler = self._start_scheduler(runtime, store, self.ledger)
        else:
            log.info("tax-free: no transmit_url; purchase records wait in the queue")

    def _totals(self, runtime: Any, store: TaxFreeStore) -> BackofficeTotals | None:
        """Same-day totals across the store's kiosks, when this kiosk has a back office."""
        config = runtime.config
        if not (self.settings.store_wide_totals and config.backoffice_url):
            return None
        totals = BackofficeTotals(
            store,
            config.backoffice_url,
            config.backoffice_token,
            timeout_s=self.settings.store_wide_timeout_s,
            online=lambda: bool(runtime.backoffice_reachable),
        )
        runtime.on_shutdown(totals.close)
        return totals

    def _start_scheduler(
        self, runtime: Any, store: TaxFreeStore, ledger: RefundLedger
    ) -> TaxFreeScheduler:
        settings = self.settings
        transmitter = HttpTransmitter(
            settings.transmit_url,
            timeout_s=settings.transmit_timeout_s,
            token=settings.transmit_token,
        )
        scheduler = TaxFreeScheduler(
            TransmissionQueue(store, transmitter, lambda: runtime.clock()),
            ConfirmationPoller(ledger, transmitter),
            transmit_every_s=settings.transmit_interval_s,
            poll_every_s=settings.confirmation_interval_s,
            on_stop=transmitter.close,
        )
        # an HTTP call in flight may take up to the timeout; then the join gives up
        runtime.on_shutdown(lambda: scheduler.stop(timeout_s=settings.transmit_timeout_s + 5))
        scheduler.start()
        log.info("tax-free: sending purchase records to %s", settings.transmit_url)
        return scheduler

    # --- input ---------------------------------------------------------------------------

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> ScanClaim | None:
        if self.desk is None:
            return None
        code = scan.code
        try:
            if vjw.is_vjw_code(code):
                status = self.desk.present_vjw(code)
            elif td3_lines(code.upper()) is not None:
                status = self.desk.present_mrz(code)
            else:
                return None
        except TaxFreeError as exc:
            log.info("tax-free document refused: %s", exc)
            return ScanClaim(PLUGIN_NAME, exc.message, payload=exc)
        return ScanClaim(PLUGIN_NAME, status.message, payload=status)

    # --- sale and receipt ----------------------------------------------------------------

    @hookimpl
    def kiosk_sale_completed(self, sale: Any) -> None:
        if self.desk is None:
            return
        details = self.desk.details_for(sale.sale_id)
        if sale.training:
            # practice: the receipt shows the tax-free section a real sale would have, marked
            # 練習; no purchase record is stored or sent (the draft is dropped at session end)
            practised = self.desk.recorder.practise(sale.to_document(), details)
            if practised is not None:
                self._outcomes[sale.sale_id] = practised
            return
        outcome = self.desk.recorder.complete(sale.to_document(), details)
        if outcome is not None:
            self._outcomes[sale.sale_id] = outcome
            if self.scheduler is not None and outcome.status is RecordStatus.PENDING:
                self.scheduler.wake()  # send the purchase record now, not at the next sweep

    @hookimpl
    def kiosk_return_completed(self, document: dict[str, Any]) -> None:
        """Tax-free goods came back: the purchase record is adjusted or cancelled
        (:mod:`plugins.tax_free.returns`)."""
        if self.desk is None or document.get("training"):
            return
        from plugins.tax_free.returns import adjust_for_return

        runtime = self.desk.runtime
        sale_id = str(document.get("original_sale_id") or "")
        # sale None: another kiosk's sale, adjusted, never cancelled from here
        sale, returns = runtime.sale_and_returns(sale_id)
        done = adjust_for_return(
            self.desk.recorder.store,
            document,
            sale,
            returns,
            runtime.config.policy.rounding,
        )
        if done is not None:
            log.info("tax-free record of sale %s: %s by a return", sale_id, done)
            if self.scheduler is not None:
                self.scheduler.wake()  # a correction of a sent record goes now, not later

    @hookimpl
    def kiosk_receipt_sections(self, sale: Any) -> list[Any]:
        if self.desk is None:
            return []
        outcome = self._outcomes.get(sale.sale_id) or self._stored_outcome(sale.sale_id)
        if outcome is None:
            return []
        return sections_for(outcome, sale.language, self.settings, self.receipt_width)

    @hookimpl
    def kiosk_state_changed(self, checkout: Any, old: Any, new: Any) -> None:
        if self.desk is not None and new is CheckoutState.IDLE:
            self.desk.session_ended()

    def _stored_outcome(self, sale_id: str) -> RecordOutcome | None:
        """A reprint after a restart: rebuild the outcome from the stored record."""
        assert self.desk is not None
        stored = self.desk.recorder.store.by_sale(sale_id)
        if stored is None or stored.record is None:
            return None
        return RecordOutcome(
            OutcomeKind.RECORDED,
            sale_id,
            record=stored.record,
            buyer=stored.buyer,
            status=RecordStatus(stored.row.status),
        )


def _published(runtime: Any) -> Plugin | None:
    """This kiosk's tax-free plugin through the runtime's public door (a screen's scoped
    runtime answers for its own plugin only), or None when it is not live here."""
    try:
        return runtime.plugin_api(PLUGIN_NAME)
    except LookupError:
        return None


def desk_for(runtime: Any) -> TaxFreeDesk:
    """The tax-free desk of ``runtime`` (what the UI's "Tax-free shopping" button calls).

    :raises TaxFreeUnavailable: the plugin is not loaded or not enabled on this kiosk.
    """
    desk = getattr(_published(runtime), "desk", None)
    if desk is None:
        raise TaxFreeUnavailable(
            "tax-free sales are not enabled on this kiosk: set [plugins.tax_free] enabled = true "
            "and store_code in kiosk.toml"
        )
    return desk


def tax_free_ledger(
    runtime: Any,
    today: date | None = None,
    statuses: tuple[RecordStatus, ...] = (),
    since: date | None = None,
    until: date | None = None,
) -> list[LedgerRow]:
    """The staff ledger (what ``kiosk tax-free ledger`` would print): one row per record —
    pending / needs_details / confirmed / refunded / expired / voided — with the refund
    amount, deadline, days left and transmission state. Rows are oldest sale first.

    :raises TaxFreeUnavailable: the plugin is not loaded or not enabled on this kiosk.
    """
    ledger = getattr(_published(runtime), "ledger", None)
    if ledger is None:
        raise TaxFreeUnavailable("tax-free sales are not enabled on this kiosk")
    return ledger_rows(ledger, today or runtime.clock().date(), statuses, since, until)


def scheduler_for(runtime: Any) -> TaxFreeScheduler | None:
    """The running sender, or None when ``transmit_url`` is not set (or tax-free is off)."""
    return getattr(_published(runtime), "scheduler", None)
