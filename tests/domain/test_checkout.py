import pytest

from kiosk.domain.catalogue import UnknownProduct
from kiosk.domain.checkout import TRANSITIONS, Checkout, CheckoutPolicy, IllegalTransition
from kiosk.domain.codes import InvalidBarcode
from kiosk.domain.events import (
    AttendantNeeded,
    AttendantReason,
    CheckoutState,
    StateChanged,
)
from kiosk.domain.scan import Scan
from tests.factories import BEER, ONIGIRI, SOAP, catalogue, gtin

S = CheckoutState


def _checkout(**policy):
    checkout = Checkout(catalogue(), CheckoutPolicy(**policy))
    events = []
    checkout.subscribe(events.append)
    return checkout, events


def test_a_scan_while_idle_starts_the_session():
    checkout, events = _checkout()
    checkout.scan(Scan(ONIGIRI.gtin))
    assert checkout.state is S.SHOPPING
    assert StateChanged(S.IDLE, S.SHOPPING, "start") in events
    assert checkout.totals.total == 150


def test_full_happy_path_emits_every_transition():
    checkout, events = _checkout()
    checkout.start()
    checkout.scan(Scan(SOAP.gtin))
    checkout.begin_payment()
    checkout.mark_paid()
    checkout.finish()
    states = [(e.old, e.new) for e in events if isinstance(e, StateChanged)]
    assert states == [
        (S.IDLE, S.SHOPPING),
        (S.SHOPPING, S.PAYING),
        (S.PAYING, S.PAID),
        (S.PAID, S.IDLE),
    ]
    assert checkout.basket.is_empty()


@pytest.mark.parametrize(
    ("trigger", "state"),
    [
        (trigger, state)
        for trigger in {t for t, _ in TRANSITIONS}
        for state in S
        if (trigger, state) not in TRANSITIONS
    ],
)
def test_every_transition_not_in_the_table_raises(trigger, state):
    checkout, _ = _checkout()
    checkout.state = state
    with pytest.raises(IllegalTransition):
        checkout._move(trigger)


def test_paid_requires_paying_first():
    checkout, _ = _checkout()
    checkout.scan(Scan(SOAP.gtin))
    with pytest.raises(IllegalTransition, match="paid while shopping"):
        checkout.mark_paid()


def test_empty_basket_cannot_be_paid():
    checkout, _ = _checkout()
    checkout.start()
    with pytest.raises(IllegalTransition):
        checkout.begin_payment()


def test_age_restricted_item_waits_for_staff():
    checkout, events = _checkout()
    checkout.scan(Scan(BEER.gtin))
    assert checkout.state is S.NEEDS_ATTENDANT
    assert any(
        isinstance(e, AttendantNeeded) and e.reason is AttendantReason.AGE_CHECK for e in events
    )
    with pytest.raises(IllegalTransition):
        checkout.begin_payment()
    checkout.approve("S001")
    assert checkout.state is S.SHOPPING
    assert checkout.basket.lines[0].age_approved_by == "S001"
    checkout.begin_payment()


def test_removal_can_require_staff_approval():
    checkout, _ = _checkout(removal_needs_approval=True)
    checkout.scan(Scan(ONIGIRI.gtin))
    checkout.void_line(1)
    assert checkout.state is S.NEEDS_ATTENDANT
    assert not checkout.basket.lines[0].voided
    checkout.approve("S001")
    assert checkout.basket.lines[0].voided
    assert checkout.basket.lines[0].voided_by == "S001"
    assert checkout.state is S.SHOPPING


def test_removal_without_approval_policy_is_immediate():
    checkout, _ = _checkout()
    checkout.scan(Scan(ONIGIRI.gtin))
    checkout.void_line(1)
    assert checkout.basket.lines[0].voided
    assert checkout.totals.total == 0


def test_bad_scans_change_nothing():
    checkout, events = _checkout()
    with pytest.raises(InvalidBarcode):
        checkout.scan(Scan("4901234000019"))
    with pytest.raises(UnknownProduct):
        checkout.scan(Scan(gtin(999)))
    assert checkout.state is S.IDLE and not events


def test_suspend_and_resume_keep_the_basket_and_pending_approval():
    checkout, _ = _checkout()
    checkout.scan(Scan(ONIGIRI.gtin))
    checkout.scan(Scan(BEER.gtin))
    suspended = checkout.suspend("inactivity")
    assert checkout.state is S.IDLE and checkout.basket.is_empty()
    checkout.resume(suspended)
    assert checkout.state is S.NEEDS_ATTENDANT
    assert checkout.totals.total == 378


def test_payment_problem_returns_to_paying_after_staff():
    checkout, _ = _checkout()
    checkout.scan(Scan(SOAP.gtin))
    checkout.begin_payment()
    checkout.payment_problem("card terminal offline")
    assert checkout.state is S.NEEDS_ATTENDANT
    checkout.approve("S001")
    assert checkout.state is S.PAYING


def test_adjuster_is_asked_after_every_change():
    calls = []

    def adjuster(basket):
        calls.append(len(basket.active_lines))
        return []

    checkout = Checkout(catalogue(), adjuster=adjuster)
    checkout.scan(Scan(ONIGIRI.gtin))
    checkout.scan(Scan(SOAP.gtin))
    checkout.void_line(1)
    assert calls == [1, 2, 1]
