"""The settlement table's rows: shared by the settlement page and the archived daily report
(``settlement/templates/settled.html`` lays them out)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kiosk.backoffice.core.templates import Span
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.settlement import service as settlement

Row = tuple[object, ...]


def settlement_rows(session: Session, day: date) -> list[Row]:
    """Each kiosk's settlement of the day (the page and the archived daily report show it)."""
    kiosks = [k.kiosk_id for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)]
    done = {s.kiosk_id: s for s in settlement.settlements(session, day)}
    cash = settlement.cash_sales_by_kiosk(session, day)  # one query, not one per kiosk
    rows: list[Row] = []
    for k in kiosks:
        expected = cash.get(k, 0)
        s = done.get(k)
        if s:
            cls = "ok" if s.discrepancy == 0 else "bad"
            rows.append(
                (
                    k,
                    expected,
                    s.float_amount,
                    s.expected_cash,
                    s.counted_cash,
                    Span(cls, f"{s.discrepancy:+,}"),
                    s.counted_by,
                )
            )
        else:
            rows.append((k, expected, "", "", "", "not settled 未精算", ""))
    return rows
