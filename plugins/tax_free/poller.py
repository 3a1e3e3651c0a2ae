"""Pull customs confirmations (税関確認情報) and apply them to the ledger.

The cursor (the last confirmation's ``seq``) is stored with the records, after the
confirmations it covers are applied, so a crash in between re-applies some: harmless, since
:meth:`RefundLedger.apply_confirmation` is idempotent. A confirmation for a record this store
does not hold (another kiosk's, on a shared feed) is logged and skipped, so it cannot block
the ones after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from plugins.tax_free.errors import LedgerError
from plugins.tax_free.ledger import RefundLedger
from plugins.tax_free.models import RecordStatus, TaxFreeMetaRow
from plugins.tax_free.transmission import Transmitter

CURSOR_KEY = "confirmation_cursor"

log = logging.getLogger(__name__)


@dataclass
class PollReport:
    applied: dict[str, RecordStatus] = field(default_factory=dict)
    expired: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # record ids not in this store
    cursor: int = 0


class ConfirmationPoller:
    def __init__(self, ledger: RefundLedger, transmitter: Transmitter) -> None:
        self.ledger = ledger
        self.store = ledger.store
        self.transmitter = transmitter

    @property
    def cursor(self) -> int:
        with self.store.transaction() as session:
            row = session.get(TaxFreeMetaRow, CURSOR_KEY)
            return int(row.value["seq"]) if row else 0

    def poll_once(self) -> PollReport:
        """Fetch new confirmations, apply them, then expire overdue records.

        :raises TransmissionUnavailable: the endpoint did not answer (nothing changed).
        """
        report = PollReport(cursor=self.cursor)
        for confirmation in self.transmitter.confirmations(report.cursor):
            try:
                status = self.ledger.apply_confirmation(confirmation)
            except LedgerError:
                log.warning(
                    "customs confirmation %d is for record %s, not held here: skipped",
                    confirmation.seq,
                    confirmation.record_id,
                )
                report.unknown.append(confirmation.record_id)
            else:
                report.applied[confirmation.record_id] = status
            report.cursor = max(report.cursor, confirmation.seq)
            with self.store.transaction() as session:
                session.merge(TaxFreeMetaRow(key=CURSOR_KEY, value={"seq": report.cursor}))
        report.expired = self.ledger.expire_overdue()
        return report
