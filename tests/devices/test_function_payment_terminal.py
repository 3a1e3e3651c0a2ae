"""Payment terminal: outcomes, idempotency, unknown outcomes, late approval, no card data."""

from __future__ import annotations

import pytest

from kiosk.devices.base import DataEvent
from kiosk.devices.errors import PaymentOutcomeUnknown
from kiosk.devices.payment_terminal import Outcome, PaymentResult, PaymentTerminal
from kiosk.devices.sim.payment_terminal import SimulatedPaymentTerminal


@pytest.fixture
def sim():
    return SimulatedPaymentTerminal()


@pytest.fixture
def terminal(sim, events):
    device = PaymentTerminal(sim, name="terminal")
    device.subscribe(events)
    device.open_claim_enable()
    yield device
    device.close()


def test_approve_gives_token_and_masked_number_only(terminal, events):
    """GIVEN a terminal WHEN 1280 yen is authorised THEN approved with an opaque token and a
    first6/last4 masked number, and a payment_result event."""
    result = terminal.authorize(1280, "sale-1:pay-1")
    assert result.approved and result.amount == 1280
    assert result.token and result.masked_number == "411111******1111"
    assert events.next(DataEvent, "payment_result").data == result


def test_same_key_never_charges_twice(terminal, sim):
    """GIVEN an approved key WHEN it is authorised again THEN the same result, one charge."""
    first = terminal.authorize(500, "k1")
    assert terminal.authorize(500, "k1") == first
    assert sim.charges == 1


def test_decline_and_timeout(terminal, sim):
    """GIVEN scripted decline and timeout WHEN authorised THEN those outcomes, no charge."""
    sim.decline_next("insufficient funds")
    sim.time_out_next()
    assert terminal.authorize(100, "a").outcome is Outcome.DECLINED
    assert terminal.authorize(100, "b").outcome is Outcome.TIMEOUT
    assert sim.charges == 0


def test_dropped_connection_is_unknown_then_resolved_by_query(terminal, sim):
    """GIVEN the connection drops after the charge WHEN authorising THEN PaymentOutcomeUnknown;
    query(key) says approved and re-authorising the key does not charge again."""
    sim.drop_connection_next(charged=True)
    with pytest.raises(PaymentOutcomeUnknown, match="Do not charge again"):
        terminal.authorize(700, "k2")
    assert terminal.query("k2").outcome is Outcome.APPROVED
    assert terminal.authorize(700, "k2").approved
    assert sim.charges == 1


def test_late_approval_arrives_as_an_event(terminal, sim, events):
    """GIVEN a terminal that answers late WHEN authorising THEN unknown outcome, query says
    still in progress; after release a late payment_result event says approved."""
    sim.approve_late_next()
    with pytest.raises(PaymentOutcomeUnknown):
        terminal.authorize(900, "k3")
    assert terminal.query("k3").outcome is Outcome.UNKNOWN
    sim.release_late()
    late = events.next(DataEvent, "payment_result").data
    assert (late.idempotency_key, late.outcome) == ("k3", Outcome.APPROVED)
    assert terminal.query("k3").approved


def test_cancel(terminal):
    """GIVEN an approved payment WHEN cancelled THEN a cancelled result for the key."""
    terminal.authorize(300, "k4")
    assert terminal.cancel("k4").outcome is Outcome.CANCELLED


@pytest.mark.parametrize(
    "fields",
    [
        {"masked_number": "4111111111111111"},
        {"masked_number": "4111112222****1111"},
        {"token": "4111 1111 1111 1111"},
        {"message": "PAN=4111111111111111"},
    ],
)
def test_card_data_is_refused(fields):
    """GIVEN a result carrying a full card number WHEN built THEN ValueError."""
    with pytest.raises(ValueError, match="card"):
        PaymentResult("k", Outcome.APPROVED, 100, **fields)
