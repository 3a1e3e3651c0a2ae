"""GIVEN a member's sale WHEN the kiosk dies while its points are being booked THEN neither
the points, the member's sale row, the outbox event nor the journal row is there — never an
event without its points or points without their event — and the start-up recovery books the
sale once: one event, however often it runs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiosk.runtime.unit_of_work import UnitOfWork
from kiosk.store.models import JournalRow, OutboxRow
from plugins.conftest import RICE, TEA, scan
from plugins.loyalty import loyalty_for
from plugins.loyalty import tables as t


class PowerCut(RuntimeError):
    """The kiosk died in the middle of the booking."""


def _booked(runtime, sale_id: str) -> tuple[int, int, int, int]:
    """(points rows, member sale rows, loyalty outbox events, loyalty_sale journal rows)."""
    with Session(runtime.database()) as session:

        def count(query) -> int:
            return session.execute(sa.select(sa.func.count()).select_from(query)).scalar_one()

        return (
            count(sa.select(t.points).where(t.points.c.sale_id == sale_id).subquery()),
            count(sa.select(t.sales).where(t.sales.c.sale_id == sale_id).subquery()),
            count(
                sa.select(OutboxRow)
                .where(OutboxRow.kind == "loyalty", OutboxRow.aggregate_id == sale_id)
                .subquery()
            ),
            count(sa.select(JournalRow).where(JournalRow.kind == "loyalty_sale").subquery()),
        )


def test_a_crash_while_booking_leaves_nothing_and_recovery_books_once(kiosk, monkeypatch):
    runtime = kiosk()
    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment("ja").token, True)
    runtime.member_id = None
    assert scan(runtime, enrolment.qr_payload).accepted
    for code in (RICE, TEA):
        assert scan(runtime, code).accepted
    with monkeypatch.context() as patch:  # the kiosk dies right after the sale's commit
        patch.setattr(service, "record_sale", lambda document: None)
        sale = runtime.pay("cash")
    runtime.finish()
    assert _booked(runtime, sale.sale_id) == (0, 0, 0, 0)

    real_journal = UnitOfWork.journal

    def dies_at_the_journal(self, kind, payload, at=None):
        if kind == "loyalty_sale":  # points and event already written in the block
            raise PowerCut("power cut before the commit")
        real_journal(self, kind, payload, at)

    with monkeypatch.context() as patch:
        patch.setattr(UnitOfWork, "journal", dies_at_the_journal)
        with pytest.raises(PowerCut):
            service.record_sale(sale.to_document())
    assert _booked(runtime, sale.sale_id) == (0, 0, 0, 0)

    assert service.recover() == 1
    assert _booked(runtime, sale.sale_id) == (1, 1, 1, 1)
    assert service.recover() == 0  # booked: a second recovery (or replay) adds nothing
    assert service.record_sale(sale.to_document()) is None
    assert _booked(runtime, sale.sale_id) == (1, 1, 1, 1)
    assert runtime.store.verify_journal().ok


def test_recovery_asks_which_member_sales_are_booked_once(kiosk, monkeypatch):
    """GIVEN three booked member sales WHEN the start-up recovery runs THEN it books
    nothing and opens one unit of work for all of them (not one per sale)."""
    runtime = kiosk()
    service = loyalty_for(runtime)
    for _ in range(3):
        enrolment = service.enrol(service.begin_enrolment("ja").token, True)
        runtime.member_id = None
        assert scan(runtime, enrolment.qr_payload).accepted
        assert scan(runtime, RICE).accepted
        runtime.pay("cash")
        runtime.finish()
    opened = []
    real_enter = UnitOfWork.__enter__

    def counted(self):
        opened.append(self)
        return real_enter(self)

    monkeypatch.setattr(UnitOfWork, "__enter__", counted)
    assert service.recover() == 0
    assert len(opened) == 1
