"""Semi-self with no network: the station prints a signed QR, a payment kiosk takes it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.domain.checkout import BasketReadOnly
from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.store.models import JournalRow, OutboxRow
from plugins.handoff.errors import ForgedTicket, KioskBusy, NothingToHandOff, TicketAlreadyUsed
from plugins.handoff.station import NotSignedIn
from plugins.handoff.tests.conftest import BEER, ONIGIRI, TUNA, plugin_of


def register(station, *codes):
    for code in codes:
        assert station.scan(code).accepted
    station.approve_pending()  # staff at the station check the shopper's age by sight


def test_function_paper_handoff_is_paid_once_with_staff_and_handoff_ids(station, make_kiosk):
    """GIVEN no store server WHEN staff register onigiri×2 and a beer and hand off
    THEN a QR slip prints, the station is free again, and the kiosk that scans the QR shows
    the basket read-only, takes the payment and records ONE sale with both ids."""
    kiosk = make_kiosk("K02")
    register(station, ONIGIRI, ONIGIRI, BEER)
    result = station.hand_off()
    assert result.paper and result.kiosk_id is None
    assert "Scan this QR code at any free payment kiosk" in result.slip_lines()
    assert result.qr_png().startswith(b"\x89PNG")
    assert station.runtime.checkout.state is CheckoutState.IDLE
    assert station.runtime.checkout.basket.is_empty()

    outcome = kiosk.handle_scan(Scan(result.code, source="scanner"))
    assert (
        outcome.claim is not None and outcome.claim.payload.handoff_id == result.ticket.handoff_id
    )
    assert kiosk.checkout.state is CheckoutState.SHOPPING
    assert kiosk.checkout.read_only
    assert kiosk.checkout.totals.total == result.ticket.total == 150 * 2 + 228
    assert not kiosk.checkout.basket.lines_needing_age_check()

    refused = kiosk.handle_scan(Scan(TUNA))
    assert refused.claim is not None and "Staff registered this basket" in refused.claim.text("en")
    with pytest.raises(BasketReadOnly):
        kiosk.checkout.set_quantity(1, 5)
    with pytest.raises(BasketReadOnly):
        kiosk.checkout.void_line(1)

    sale = kiosk.pay("cash")
    assert sale.staff_id == "S001"
    assert (
        sale.extra["handoff_id"] == result.ticket.handoff_id and sale.extra["station_id"] == "ST1"
    )
    kiosk.finish()
    assert kiosk.store.sale_count() == 1 and station.runtime.store.sale_count() == 0
    with kiosk.store.transaction() as s:
        docs = [r.payload for r in s.scalars(select(OutboxRow).where(OutboxRow.kind == "sale"))]
    assert len(docs) == 1
    assert (
        docs[0]["staff_id"] == "S001" and docs[0]["extra"]["handoff_id"] == result.ticket.handoff_id
    )

    again = kiosk.handle_scan(Scan(result.code))
    assert isinstance(again.claim.payload, TicketAlreadyUsed)
    assert kiosk.checkout.state is CheckoutState.IDLE


def test_function_journal_keeps_both_ends_of_the_handoff(station, make_kiosk):
    kiosk = make_kiosk("K02")
    register(station, TUNA)
    result = station.hand_off()
    kiosk.handle_scan(Scan(result.code))
    with station.runtime.store.transaction() as s:
        sent = [r.kind for r in s.scalars(select(JournalRow))]
    with kiosk.store.transaction() as s:
        received = [r.kind for r in s.scalars(select(JournalRow))]
    assert "handoff_sent" in sent and "handoff_received" in received
    assert station.runtime.store.verify_journal().ok and kiosk.store.verify_journal().ok


def test_function_busy_kiosk_and_forged_codes_change_nothing(station, make_kiosk):
    kiosk = make_kiosk("K02")
    register(station, TUNA)
    code = station.hand_off().code
    kiosk.handle_scan(Scan(ONIGIRI))  # a shopper is already here
    busy = kiosk.handle_scan(Scan(code))
    assert isinstance(busy.claim.payload, KioskBusy)
    assert kiosk.checkout.totals.total == 150
    kiosk.cancel()
    forged = code[:-3] + ("AAA" if not code.endswith("AAA") else "BBB")
    claim = kiosk.handle_scan(Scan(forged)).claim
    assert isinstance(claim.payload, ForgedTicket)
    assert kiosk.checkout.state is CheckoutState.IDLE


def test_function_station_needs_staff_and_a_finished_basket(station):
    with pytest.raises(NothingToHandOff):
        station.hand_off()
    station.scan(BEER)  # age check still pending
    with pytest.raises(NothingToHandOff):
        station.hand_off()
    station.sign_out()
    with pytest.raises(NotSignedIn):
        station.scan(TUNA)


def test_function_staff_may_still_void_on_a_handed_off_basket(station, make_kiosk):
    """The basket is read-only for the shopper, not for staff (PIN at the kiosk)."""
    kiosk = make_kiosk("K02")
    register(station, ONIGIRI, TUNA)
    kiosk.handle_scan(Scan(station.hand_off().code))
    result = plugin_of(kiosk).actions.with_pin("S001", "1234", "void_line", line_id=2)
    assert result.ok, result.detail
    assert kiosk.checkout.totals.total == 150


def test_function_a_ticket_whose_total_differs_here_leaves_the_kiosk_idle(
    station, make_kiosk, settings
):
    """GIVEN a signed ticket whose total is not what this kiosk's prices make WHEN scanned
    THEN it is refused as a total mismatch and the kiosk stays idle, no staff id kept."""
    import dataclasses

    from plugins.handoff.errors import TotalMismatch
    from plugins.handoff.ticket import TicketKeys

    kiosk = make_kiosk("K02")
    register(station, TUNA)
    ticket = station.hand_off().ticket
    code = TicketKeys.from_settings(settings).sign(dataclasses.replace(ticket, total=1))
    claim = kiosk.handle_scan(Scan(code)).claim
    assert isinstance(claim.payload, TotalMismatch)
    assert "this kiosk ¥" in str(claim.payload)
    assert kiosk.checkout.state is CheckoutState.IDLE and kiosk.checkout.basket.is_empty()
    assert kiosk.sale_staff_id is None and kiosk.sale_extra == {}
