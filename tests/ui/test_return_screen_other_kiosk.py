"""GIVEN the return screen in a real window, the back office knowing receipt 1 on two kiosks
WHEN staff press "Another kiosk's receipt", type 1 on the pad and press Find
THEN both kiosks' sales are offered as buttons; pressing K02's shows that sale's lines to
     choose from; with the back office down the screen says to scan the receipt's code or
     use the back office."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.runtime.return_lookup import BackOfficeUnreachable, Candidate, SeveralSales
from kiosk.runtime.returns import kiosk_returns
from kiosk.ui.returns.model import ONLY_LOCAL
from tests.backoffice.factories import make_sale

pytestmark = pytest.mark.ui


def test_staff_find_another_kiosks_sale_by_its_receipt_number(kiosk):
    ctl = kiosk.ctl
    sale = make_sale(1, datetime(2026, 12, 6, 10, 15), kiosk_id="K02").to_document()
    asked = []

    def fetch(config, kiosk_id, receipt_no, day=None):
        asked.append((kiosk_id, receipt_no))
        if receipt_no != 1:
            raise BackOfficeUnreachable("connection refused")
        if not kiosk_id:
            raise SeveralSales(
                [
                    Candidate(kiosk_id=k, receipt_no=1, completed_at=at, total=sale["total"])
                    for k, at in (("K02", sale["completed_at"]), ("K03", "2026-12-01T09:00:00"))
                ]
            )
        return sale, []

    kiosk_returns(kiosk.runtime)._fetch = fetch
    ctl.returns.open()
    kiosk.wait(lambda: kiosk.root.staff.parent is not None, what="the staff overlay")
    ctl.flows.unlock("S001", "1234")
    screen = kiosk.wait_screen("returns")
    model, rt = ctl.returns, ctl.returns.rt

    kiosk.tap_text(screen, rt("Another kiosk's receipt"))
    kiosk.wait(lambda: model.entry_mode == "store", what="the mode")
    kiosk.settle()
    kiosk.tap_text(screen, "1")
    kiosk.tap_text(screen, rt("Find"))
    kiosk.wait(lambda: len(model.found) == 2, what="the candidates")
    kiosk.settle()
    assert asked == [("", 1)]
    assert model.feedback == rt(
        "Several kiosks have a sale with this receipt number. Choose the sale."
    )
    k02 = rt("Kiosk {kiosk}").format(kiosk="K02") + "  "
    k02 += rt("No. {number}  {time}  {total}").format(
        number="000001", time="2026-12-06 10:15", total=ctl.yen(sale["total"])
    )
    kiosk.tap_text(screen, k02)
    kiosk.wait(lambda: model.stage == "choose", what="the sale's lines")
    kiosk.settle()
    assert asked[-1] == ("K02", 1)
    assert model.sale["kiosk_id"] == "K02" and not model.sale["local"]
    assert len(model.lines) == len(sale["lines"])

    model.new_return()
    kiosk.settle()
    kiosk.tap_text(screen, rt("Another kiosk's receipt"))
    kiosk.settle()
    kiosk.tap_text(screen, "7")
    kiosk.tap_text(screen, rt("Find"))
    kiosk.wait(lambda: model.feedback_error, what="the offline message")
    kiosk.settle()
    assert screen.feedback.text == rt(ONLY_LOCAL["receipt_offline"])
    assert model.found == []
    model.close()
    kiosk.wait_screen("attract")
