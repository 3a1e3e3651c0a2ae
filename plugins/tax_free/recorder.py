"""From a committed sale and an identified buyer to a stored purchase record.

:meth:`Recorder.complete` decides, for one sale: no record (the buyer's tax-exclusive total
at this store today stays under the minimum, or no item is sold tax-free), a record waiting
for item details (a ¥1,000,000+ item without them), or a pending record queued for
transmission. The answer is a :class:`RecordOutcome` the receipt section is made from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from kiosk.domain.money import Yen
from kiosk.domain.sale import is_training_document, line_document
from kiosk.domain.tax import Rounding
from plugins.tax_free import rules
from plugins.tax_free.buyer import Buyer
from plugins.tax_free.errors import RefusalCode
from plugins.tax_free.models import RecordStatus
from plugins.tax_free.record import ItemDetails, PurchaseRecord, StoreInfo, build_record
from plugins.tax_free.settings import TaxFreeSettings
from plugins.tax_free.store import TaxFreeStore, missing_reason

log = logging.getLogger(__name__)


class OutcomeKind(StrEnum):
    RECORDED = "recorded"
    BELOW_MINIMUM = "below_minimum"
    NO_ELIGIBLE_ITEMS = "no_eligible_items"


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    kind: OutcomeKind
    sale_id: str
    record: PurchaseRecord | None = None
    buyer: Buyer | None = None
    status: RecordStatus | None = None
    day_net: Yen = 0  # the buyer's tax-exclusive total at this store that day
    minimum: Yen = 0
    training: bool = False  # a practice sale's outcome: shown on its receipt, never stored

    @property
    def refusal(self) -> RefusalCode | None:
        """Why no record was made (None when one was)."""
        return _REFUSALS.get(self.kind)


_REFUSALS = {
    OutcomeKind.BELOW_MINIMUM: RefusalCode.BELOW_MINIMUM,
    OutcomeKind.NO_ELIGIBLE_ITEMS: RefusalCode.NO_ELIGIBLE_ITEMS,
}


class SameDayTotals(Protocol):
    """Where the buyer's earlier tax-free total at this store today comes from."""

    def same_day_net(self, buyer_key: str, store_code: str, sale_date: date) -> Yen: ...


class Recorder:
    def __init__(
        self,
        store: TaxFreeStore,
        settings: TaxFreeSettings,
        store_info: StoreInfo,
        rounding: Rounding = Rounding.FLOOR,
        totals: SameDayTotals | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.store_info = store_info
        self.rounding = rounding
        self.totals = totals  # store-wide (back office); None: this kiosk's records only

    def same_day_net(self, buyer: Buyer, sale_date: date) -> Yen:
        """The buyer's earlier tax-free net total at this store on ``sale_date``."""
        if self.totals is None:
            return self.store.same_day_net(buyer, self.settings.store_code, sale_date)
        key = self.store.cipher.buyer_key(buyer.nationality, buyer.passport_number)
        return self.totals.same_day_net(key, self.settings.store_code, sale_date)

    def build(
        self, record_id: str, sale_document: dict[str, Any], details: dict[int, ItemDetails]
    ) -> PurchaseRecord:
        return build_record(
            record_id,
            sale_document,
            self.store_info,
            rounding=self.rounding,
            details=details,
            excluded_departments=self.settings.excluded_departments,
            high_value_threshold=self.settings.high_value_excl_tax,
            export_days=self.settings.export_days,
        )

    def preview(self, sale: Any, details: dict[int, ItemDetails]) -> PurchaseRecord:
        """The record the current basket would make (for the panel: totals, missing details)."""
        document = basket_document(sale, datetime.now())
        return self.build("preview", document, details)

    def complete(
        self, sale_document: dict[str, Any], details: dict[int, ItemDetails]
    ) -> RecordOutcome | None:
        """Turn the sale's draft (if any) into a record; None when the sale was not tax-free."""
        return self._judge(sale_document, details, practice=False)

    def practise(
        self, sale_document: dict[str, Any], details: dict[int, ItemDetails]
    ) -> RecordOutcome | None:
        """A training (練習) sale: the outcome a real sale would have, for its receipt, marked
        ``training``. Nothing is stored or sent (the draft is dropped when the session ends)."""
        return self._judge(sale_document, details, practice=True)

    def _judge(
        self, sale_document: dict[str, Any], details: dict[int, ItemDetails], practice: bool
    ) -> RecordOutcome | None:
        sale_id = sale_document["sale_id"]
        draft = self.store.by_sale(sale_id)
        if draft is None or draft.status is not RecordStatus.DRAFT:
            return None
        # practice leaves the draft alone: the session's end drops it
        drop = (lambda: None) if practice else (lambda: self.store.delete_draft(sale_id))
        record = self.build(draft.row.record_id, sale_document, details)
        if rules.regime_for(record.sale_date) is not rules.Regime.REFUND:
            log.error("sale %s predates the refund method; its draft is dropped", sale_id)
            drop()
            return None
        if not record.items:
            drop()
            return RecordOutcome(
                OutcomeKind.NO_ELIGIBLE_ITEMS, sale_id, buyer=draft.buyer, training=practice
            )
        earlier = self.same_day_net(draft.buyer, record.sale_date)
        day_net = earlier + record.amounts.net
        minimum = self.settings.minimum_purchase_excl_tax
        if day_net < minimum:
            drop()
            return RecordOutcome(
                OutcomeKind.BELOW_MINIMUM,
                sale_id,
                buyer=draft.buyer,
                day_net=day_net,
                minimum=minimum,
                training=practice,
            )
        missing = record.missing_details()
        status = RecordStatus.NEEDS_DETAILS if missing else RecordStatus.PENDING
        if not practice:
            self.store.finalize(
                record,
                rules.retention_until(record.sale_date, self.settings.fiscal_year_end_month),
                status,
                missing_reason(missing) if missing else "",
            )
        return RecordOutcome(
            OutcomeKind.RECORDED,
            sale_id,
            record=record,
            buyer=draft.buyer,
            status=status,
            day_net=day_net,
            minimum=minimum,
            training=practice,
        )

    def recover(
        self, committed_sale: Callable[[str], dict[str, Any] | None], current_sale_id: str
    ) -> int:
        """At start-up: finish drafts whose sale committed, drop drafts of abandoned sales.

        ``committed_sale(sale_id)``: the document of a sale committed on this kiosk, or
        ``None`` (``runtime.sale_and_returns(sale_id)[0]``)."""
        finished = 0
        for row in self.store.drafts():
            if row.sale_id == current_sale_id:
                continue
            document = committed_sale(row.sale_id)
            if document is None or is_training_document(document):
                self.store.delete_draft(row.sale_id)  # abandoned, or a practice sale
                continue
            log.warning("finishing the tax-free record of sale %s after a restart", row.sale_id)
            self.complete(document, {})
            finished += 1
        return finished


def basket_document(sale: Any, now: datetime) -> dict[str, Any]:
    """The parts of ``Sale.to_document()`` the record needs, from the runtime's
    ``sale_view()`` (a snapshot of the sale in progress)."""
    return {
        "sale_id": "preview",
        "receipt_no": 0,
        "completed_at": now.isoformat(),
        "lines": [line_document(line) for line in sale.lines],
        "adjustments": [
            {"amount": a.amount, "line_ids": list(a.line_ids)} for a in sale.adjustments
        ],
        "tenders": [],
    }
