"""GIVEN a member who scans their card at the attract screen (or signs in before the first
item) and then walks away
WHEN nobody touches the kiosk for the inactivity time and the "still there?" time
THEN the member is let go: the next shopper's sale is not theirs and shows no name or points.

Before: the inactivity timer only ran for a basket with items, so the member stayed signed
in to the coming sale for as long as the kiosk stood there; the next shopper shopped as
them, earned their points and saw their balance.
"""

from __future__ import annotations

import pytest

from plugins.loyalty.ui import enrol as enrol_screen

pytestmark = pytest.mark.ui

TEA = "4901234000148"


def a_member_code(kiosk) -> str:
    """A member enrolled on another day: their app's QR code to scan."""
    service = enrol_screen.loyalty_service(kiosk.runtime)
    notice = service.begin_enrolment("ja").notice
    enrolment = service.directory.enrol(notice, True, service.now, phone="09012345678")
    assert kiosk.runtime.member_id is None
    return enrolment.qr_payload


def test_a_member_scanned_at_attract_then_gone_is_let_go(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    code = a_member_code(kiosk)
    now = [1000.0]
    ctl.clock = lambda: now[0]
    ctl.last_activity = now[0]
    kiosk.type_burst(code)
    kiosk.wait(lambda: runtime.member_id is not None, what="the member signed in")
    kiosk.settle()
    assert ctl.screen == "attract" and ctl.state == "idle"
    now[0] += ctl.settings.inactivity_seconds + 1
    ctl.flows.check_inactivity()
    kiosk.settle()
    assert runtime.member_id is not None  # not yet: as long as a basket would be kept
    now[0] += ctl.settings.still_there_seconds
    ctl.flows.check_inactivity()
    kiosk.wait(lambda: runtime.member_id is None, what="the member let go")
    kiosk.settle()
    assert ctl.screen == "attract" and not ctl.still_there
    # the next shopper
    kiosk.type_burst(TEA)
    kiosk.wait(lambda: len(ctl.rows) == 1, what="one line")
    assert runtime.sale_view().member_id is None
