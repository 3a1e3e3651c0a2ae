"""The tax-free session on one kiosk: the API the UI calls ("Tax-free shopping").

Flow: :meth:`TaxFreeDesk.start` → a passport MRZ (:meth:`present_mrz`, from the passport
reader) or a Visit Japan Web code (:meth:`present_vjw`, from the camera through
``kiosk_claim_scan``) → missing facts if any (:meth:`provide_landing`,
:meth:`provide_overseas_proof`) → the shopper scans and pays as usual, at tax-inclusive
prices → the plugin turns the session into a purchase record when the sale commits.

The buyer is written (encrypted) as a draft bound to the sale id as soon as they are
eligible, so a crash between the sale's commit and the record still leaves a record: the
plugin finishes drafts of committed sales at start-up.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kiosk.domain.money import Yen
from kiosk.messages import Message
from plugins.tax_free import rules, vjw
from plugins.tax_free.buyer import (
    Buyer,
    OverseasResidenceProof,
    ResidenceStatus,
    check_eligibility,
)
from plugins.tax_free.errors import (
    LedgerError,
    MoreInformationNeeded,
    NotEligible,
    OldRulesNeedCounter,
    RefusalCode,
    tax_free_message,
)
from plugins.tax_free.ledger import RefundLedger
from plugins.tax_free.models import RecordStatus
from plugins.tax_free.mrz_reader import read_td3
from plugins.tax_free.record import ItemDetails, PurchaseRecord, record_from_document
from plugins.tax_free.recorder import Recorder

log = logging.getLogger(__name__)


class SessionState(StrEnum):
    OFF = "off"
    WAITING_FOR_DOCUMENT = "waiting_for_document"
    NEEDS_INFORMATION = "needs_information"
    READY = "ready"  # eligible: the record is made when the sale is paid
    REFUSED = "refused"  # not eligible: the sale goes on as a taxed sale


@dataclass(frozen=True, slots=True)
class DetailLine:
    """An item of ¥1,000,000 or more (excl. tax) whose 商品情報詳細 staff must enter.

    ``record_id`` is empty for a line of the basket being sold, and names the stored
    ``needs_details`` record otherwise (a sale paid before the details were entered).
    """

    line_no: int
    name_en: str
    name_ja: str
    unit_price: Yen
    record_id: str = ""


@dataclass(frozen=True, slots=True)
class TaxFreeStatus:
    """What the tax-free panel shows."""

    state: SessionState
    message: Message | None = None  # what to do now, shown in the shopper's language
    refusal: RefusalCode | None = None  # why, when REFUSED: the UI translates the code
    buyer_name: str = ""
    missing: str = ""  # the field to ask for when NEEDS_INFORMATION
    basket_net: Yen = 0  # tax-excluded amount of the tax-free items in the basket
    earlier_today_net: Yen = 0  # this buyer's earlier tax-free records today, this store
    minimum: Yen = 0
    lines_needing_details: tuple[int, ...] = field(default=())
    detail_lines: tuple[DetailLine, ...] = field(default=())

    @property
    def shortfall(self) -> Yen:
        """Yen (excl. tax) still to buy today for the minimum; 0 once it is reached.

        Only meaningful once the buyer is known (READY): earlier records count then.
        """
        return max(self.minimum - self.basket_net - self.earlier_today_net, 0)


class TaxFreeDesk:
    def __init__(self, runtime: Any, recorder: Recorder) -> None:
        self.runtime = runtime
        self.recorder = recorder
        self.settings = recorder.settings
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self.state = SessionState.OFF
        self.buyer: Buyer | None = None
        self.sale_id: str | None = None
        self.details: dict[int, ItemDetails] = {}
        self._message: Message | None = None
        self._missing = ""
        self._refusal: RefusalCode | None = None

    @property
    def today(self) -> date:
        return self.runtime.clock().date()

    # --- the UI's calls ------------------------------------------------------------------

    def start(self) -> TaxFreeStatus:
        """The shopper chose "Tax-free shopping".

        :raises OldRulesNeedCounter: before 2026-11-01 tax-free sales are exempted at the
            staffed counter under the old rules; send the shopper there.
        """
        with self._lock:
            if rules.regime_for(self.today) is rules.Regime.COUNTER_EXEMPTION:
                raise OldRulesNeedCounter(
                    "before 2026-11-01 tax-free sales are exempted at the counter (old rules): "
                    "please go to the staffed tax-free counter"
                )
            if self.state is SessionState.OFF:
                self.state = SessionState.WAITING_FOR_DOCUMENT
                self.sale_id = self.runtime.sale_id
                self._message = tax_free_message(
                    "Scan your passport photo page or your Visit Japan Web tax-free QR code."
                )
            return self.status()

    def present_mrz(self, text: str) -> TaxFreeStatus:
        """Lines from the passport reader. Raises DocumentUnreadable/CheckDigitMismatch."""
        with self._lock:
            self.start()
            buyer = read_td3(text, self.today)
            if self.buyer and self.buyer.passport_number == buyer.passport_number:
                # the same passport read again: keep what was already entered
                buyer = _merge(buyer, self.buyer)
            return self._identify(buyer)

    def present_vjw(self, code: str) -> TaxFreeStatus:
        """A Visit Japan Web tax-free code (our placeholder format: see :mod:`vjw`)."""
        with self._lock:
            self.start()
            return self._identify(vjw.parse_vjw(code))

    def provide_landing(self, landing_date: date, status: ResidenceStatus) -> TaxFreeStatus:
        """The landing date and status of residence from the landing permission."""
        with self._lock:
            buyer = self._require_buyer()
            return self._identify(
                _replace(buyer, landing_date=landing_date, residence_status=status)
            )

    def provide_overseas_proof(self, proof: OverseasResidenceProof) -> TaxFreeStatus:
        """A Japanese national's proof of living abroad (在留証明 / 戸籍の附票 / マイナンバーカード)."""
        with self._lock:
            return self._identify(_replace(self._require_buyer(), overseas_proof=proof))

    def set_item_details(self, line_id: int, details: ItemDetails) -> TaxFreeStatus:
        """Brand, model and serial number for a line of ¥1,000,000 or more (excl. tax)."""
        with self._lock:
            self.details[line_id] = details
            return self.status()

    def complete_record_details(
        self, record_id: str, line_no: int, details: ItemDetails
    ) -> TaxFreeStatus:
        """Details for a stored ``needs_details`` record; it is queued once none is missing.

        :raises LedgerError: no such record, or it is not waiting for details.
        """
        with self._lock:
            try:
                RefundLedger(self.recorder.store).add_item_details(record_id, line_no, details)
            except ValueError as exc:
                raise LedgerError(str(exc)) from None
            return self.status()

    def records_needing_details(self) -> list[DetailLine]:
        """Lines of this kiosk's stored records that wait for item details (oldest first)."""
        waiting = []
        for row in self.recorder.store.rows((RecordStatus.NEEDS_DETAILS,)):
            if row.document:
                waiting.extend(_detail_lines(record_from_document(row.document), row.record_id))
        return waiting

    def cancel(self) -> None:
        """The shopper left tax-free mode; the sale goes on as an ordinary one."""
        with self._lock:
            if self.sale_id:
                self.recorder.store.delete_draft(self.sale_id)
            self._reset()

    def status(self) -> TaxFreeStatus:
        with self._lock:
            preview = self.recorder.preview(self.runtime.sale_view(), self.details)
            ready = self.buyer is not None and self.state is SessionState.READY
            earlier = self.recorder.same_day_net(self.buyer, self.today) if ready else 0
            basket_lines = _detail_lines(preview, "") if ready else []
            return TaxFreeStatus(
                state=self.state,
                message=self._message,
                refusal=self._refusal,
                buyer_name=self.buyer.display_name if self.buyer else "",
                missing=self._missing,
                basket_net=preview.amounts.net,
                earlier_today_net=earlier,
                minimum=self.settings.minimum_purchase_excl_tax,
                lines_needing_details=tuple(preview.missing_details()),
                detail_lines=tuple(basket_lines + self.records_needing_details()),
            )

    # --- from the plugin's hooks ---------------------------------------------------------

    def session_ended(self) -> None:
        """The checkout went back to idle (finished, cancelled, suspended)."""
        with self._lock:
            if self.sale_id:  # a committed sale's draft is already a record: kept
                self.recorder.store.delete_draft(self.sale_id)
            self._reset()

    def details_for(self, sale_id: str) -> dict[int, ItemDetails]:
        with self._lock:
            return dict(self.details) if sale_id == self.sale_id else {}

    # --- inside --------------------------------------------------------------------------

    def _require_buyer(self) -> Buyer:
        if self.buyer is None:
            raise MoreInformationNeeded("document", "scan the passport or the VJW code first")
        return self.buyer

    def _identify(self, buyer: Buyer) -> TaxFreeStatus:
        self.buyer = buyer
        self.sale_id = self.runtime.sale_id
        self._missing = ""
        self._refusal = None
        try:
            check_eligibility(buyer, self.today)
        except MoreInformationNeeded as exc:
            self.state = SessionState.NEEDS_INFORMATION
            self._missing = exc.field
            log.info("tax-free needs more information: %s", exc)
            self._message = tax_free_message("More information is needed. Please call staff.")
            return self.status()
        except NotEligible as exc:
            self.state = SessionState.REFUSED
            self._refusal = exc.code
            self.recorder.store.delete_draft(self.sale_id)
            log.info("tax-free refused: %s", exc)
            self._message = exc.message
            return self.status()
        self.recorder.store.save_draft(
            self.sale_id, buyer, self.settings.store_code, self.runtime.config.kiosk_id
        )
        self.state = SessionState.READY
        self._message = tax_free_message(
            "Tax-free: you pay the tax-inclusive price now; the tax is refunded after customs "
            "confirms the goods leave Japan."
        )
        return self.status()


def _detail_lines(record: PurchaseRecord, record_id: str) -> list[DetailLine]:
    missing = set(record.missing_details())
    return [
        DetailLine(item.line_no, item.name_en, item.name_ja, item.unit_price, record_id)
        for item in record.items
        if item.line_no in missing
    ]


def _replace(buyer: Buyer, **changes: Any) -> Buyer:
    return dataclasses.replace(buyer, **changes)


def _merge(fresh: Buyer, known: Buyer) -> Buyer:
    return _replace(
        fresh,
        landing_date=known.landing_date,
        residence_status=known.residence_status,
        overseas_proof=known.overseas_proof,
    )
