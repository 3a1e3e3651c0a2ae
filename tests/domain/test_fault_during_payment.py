"""A device fault while the shopper pays calls staff, but does not stop a payment that
then completes: the money is in and the sale is committed, so the checkout is paid (a
refusal left a committed sale behind a basket the shopper could pay a second time)."""

import pytest

from kiosk.domain.checkout import IllegalTransition
from kiosk.domain.events import AttendantNeeded, AttendantReason, CheckoutState
from kiosk.domain.scan import Scan
from tests.domain.test_checkout import _checkout
from tests.factories import SOAP

S = CheckoutState


def test_a_fault_during_the_payment_calls_staff_and_the_covered_payment_still_completes():
    checkout, events = _checkout()
    checkout.scan(Scan(SOAP.gtin))
    checkout.begin_payment()
    checkout.report_fault("changer: disconnected")
    assert checkout.state is S.NEEDS_ATTENDANT
    assert AttendantNeeded(AttendantReason.DEVICE_FAULT, "changer: disconnected") in events

    checkout.mark_paid()  # the changer came back and the cash covered the amount

    assert checkout.state is S.PAID
    checkout.finish()
    assert checkout.state is S.IDLE


def test_staff_called_while_shopping_still_block_paying():
    checkout, _ = _checkout()
    checkout.scan(Scan(SOAP.gtin))
    checkout.report_fault("scanner: disconnected")
    with pytest.raises(IllegalTransition):
        checkout.mark_paid()
    assert checkout.state is S.NEEDS_ATTENDANT
