"""GIVEN the 領収書 screen WHEN a shopper types on its pad THEN katakana takes its marks and
small forms, latin capitals stay capitals, the addressee stops at 60 characters, and a
reprint's receipt number takes digits only; the staff overlay's reprint needs a staff PIN."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def test_the_addressee_pad_types_katakana_latin_and_stops_at_the_bound(kiosk) -> None:
    form = kiosk.app.root.screen("formal_receipt")
    pad = form.ids.pad
    pad.mode = "kata"
    assert "ア" in [b.text for b in pad.walk(restrict=True)]
    for key in ("カ", "゛", "ヤ", "小", "ツ", "小"):
        pad.press(key)
    assert form.addressee == "ガャッ"
    pad.mode = "abc"
    for key in ("A", "B", "␣", "C"):
        pad.press(key)
    assert form.addressee == "ガャッAB C"
    form.quick("(株)")
    assert form.addressee == "ガャッAB C(株)"
    for _ in range(80):
        pad.press("Z")
    assert len(form.addressee) == 60


def test_staff_reprint_asks_for_a_pin_then_takes_digits_only(kiosk) -> None:
    ctl = kiosk.ctl
    ctl.flows.open_staff("formal")
    kiosk.wait(lambda: kiosk.app.root.staff.parent is not None, what="the staff overlay")
    overlay = kiosk.app.root.staff
    assert overlay.ids.formal_reprint.disabled  # already asked for
    ctl.flows.unlock("S001", "0000")
    kiosk.wait(lambda: ctl.staff_feedback and ctl.staff_feedback != ctl.t("Checking…"))
    assert ctl.screen != "formal_receipt"
    ctl.flows.unlock("S001", "1234")
    form = kiosk.wait_screen("formal_receipt")
    assert form.reprint and form.field == "receipt_no"
    for key in ("1", "A", "2"):
        form.ids.pad.press(key)
    assert form.receipt_no == "12" and form.addressee == ""
    form.issue()
    kiosk.wait(lambda: not form.busy and form.status)
    assert form.status == ctl.t("No sale with that receipt number on this kiosk.")
