"""The settlement table as escaped HTML: shared by the settlement page and the archived daily report."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kiosk.backoffice.html import Html, span, table
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.settlement import service as settlement


def settlement_table(session: Session, day: date) -> Html:
    """Each kiosk's settlement of the day (the page and the archived daily report show it)."""
    kiosks = [k.kiosk_id for k in session.query(KioskRow).order_by(KioskRow.kiosk_id)]
    done = {s.kiosk_id: s for s in settlement.settlements(session, day)}
    rows = []
    for k in kiosks:
        expected = settlement.cash_sales(session, k, day)
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
                    span(cls, f"{s.discrepancy:+,}"),
                    s.counted_by,
                )
            )
        else:
            rows.append((k, expected, "", "", "", "not settled", ""))
    return table(
        ("Kiosk", "Cash sales", "Float", "Expected", "Counted", "Discrepancy 過不足", "By"),
        rows,
        id_="settlements",
    )
