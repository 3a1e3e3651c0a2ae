"""The return screen's model (what staff press), on a real kiosk runtime.

GIVEN a card sale on a kiosk whose manager approves refunds above ¥100
WHEN its receipt's code is scanned on the start screen, staff sign in, choose a line and
     refund it
THEN the model asks for a manager, then refunds, shows the refund and keeps the paper; a
     product's barcode on the start screen is not taken for a return; a wrong PIN is said.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from kiosk.config_schema import ReturnsSection
from kiosk.domain.sale_reference import reference_for
from kiosk.domain.scan import Scan
from kiosk.runtime.returns import kiosk_returns
from plugins.pay_card.simulator import CardTerminalSimulator
from tests.returns.desk import ONIGIRI, SOAP, card_sale, started


class FakeController:
    """The controller's part the model uses; runtime calls run at once, not on a worker."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self.language, self.screen, self.home_screen = "ja", "attract", "attract"
        self.staff_mode = self.staff_feedback = ""
        self.last_activity = 0.0
        self.flows = SimpleNamespace(open_staff=lambda mode: setattr(self, "staff_mode", mode))

    def run(self, job, done=None, failed=None) -> None:
        try:
            result = job()
        except Exception as exc:  # the worker hands failures to ``failed``
            failed(exc)
            return
        if done is not None:
            done(result)

    def t(self, msgid: str) -> str:
        return msgid

    def clock(self) -> float:
        return 0.0


@pytest.fixture
def runtime(tmp_path):
    terminal = CardTerminalSimulator().start()
    runtime = started(tmp_path / "kiosk", terminal.port)
    yield runtime
    runtime.shutdown()
    terminal.stop()


def test_scan_sign_in_choose_approve_refund(runtime):
    from kiosk.ui.returns.model import ReturnModel

    sale = card_sale(runtime, ONIGIRI, SOAP)
    kiosk_returns(runtime).desk.settings = ReturnsSection(approval_above=100)
    code = reference_for(
        sale["kiosk_id"],
        datetime.fromisoformat(sale["completed_at"]),
        sale["receipt_no"],
        sale["sale_id"],
    )
    ctl = FakeController(runtime)
    model = ReturnModel(ctl)
    try:
        assert not model.wants(Scan(ONIGIRI, source="test"))  # a product: the basket's
        assert model.wants(Scan(code, source="test"))
        assert ctl.staff_mode == "returns"
        model.sign_in("S001", "0000")
        assert ctl.staff_feedback == "Wrong staff ID or PIN."
        model.sign_in("S001", "1234")
        assert (ctl.screen, model.stage, model.staff_id) == ("returns", "choose", "S001")
        soap = next(row for row in model.lines if row["name"].startswith("米"))
        assert soap["left"] == 1 and soap["chosen"] == 0
        model.change(soap["line_id"], +1)
        assert model.refund_total == soap["paid"] > 100
        model.refund()
        assert model.stage == "manager"  # above the limit: a manager approves
        model.manager_pin("M001", "9999")
        assert model.stage == "done"
        assert model.result["total"] == soap["paid"]
        assert model.result["tenders"] == [("card", soap["paid"])]
        assert model.result["printed"] == "saved"  # no printer here: kept as a file
        model.close()
        assert ctl.screen == "attract" and model.staff_id == ""
    finally:
        model.stop()


def test_a_weighed_line_comes_back_by_the_grams_typed(runtime):
    from kiosk.ui.returns.model import ReturnModel

    runtime.checkout.add_weighed("101", 500)  # バナナ, per kg
    sale = runtime.pay("card")
    assert sale is not None
    runtime.finish()
    ctl = FakeController(runtime)
    model = ReturnModel(ctl)
    try:
        model.open(str(sale.receipt_no))  # typed on the pad: this kiosk's receipt number
        model.sign_in("S001", "1234")
        [banana] = model.lines
        assert banana["weighed"] and banana["left"] == 500
        model.ask_weight(banana["line_id"])
        assert model.stage == "weight"
        model.type_key("600")
        model.set_weight(600)
        assert model.stage == "choose" and model.feedback_error  # more than was sold
        model.ask_weight(banana["line_id"])
        model.set_weight(200)
        assert model.lines[0]["chosen"] == 200
        # back on the list, its instruction shows again (it was blank after the weight step)
        assert not model.feedback_error and model.feedback == model.rt("Choose what comes back.")
        assert model.refund_total == banana["paid"] * 200 // 500
    finally:
        model.stop()


def test_another_kiosks_receipt_number_is_typed_and_the_sale_chosen(runtime):
    """GIVEN staff on the return screen WHEN they type a receipt number in "another kiosk's
    receipt" THEN two kiosks' sales are offered (kiosk, time, total) and the one pressed is
    shown to choose from; with the back office down the screen says to scan the code or use
    the back office (in the screen's language)."""
    import uuid

    from kiosk.runtime.return_lookup import BackOfficeUnreachable, Candidate, SeveralSales
    from kiosk.ui.returns.model import ONLY_LOCAL, ReturnModel, rt

    sale = card_sale(runtime, ONIGIRI)
    tenders = [{**t, "payment_id": str(uuid.uuid4())} for t in sale["tenders"]]
    theirs = {**sale, "sale_id": str(uuid.uuid4()), "kiosk_id": "K99", "tenders": tenders}
    asked = []

    def fetch(config, kiosk_id, receipt_no, day=None):
        asked.append((kiosk_id, receipt_no))
        if kiosk_id:
            return theirs, []
        raise SeveralSales(
            [
                Candidate(kiosk_id=k, receipt_no=receipt_no, completed_at=at, total=150)
                for k, at in (("K99", "2026-12-06T10:15:00"), ("K98", "2026-12-01T09:00:00"))
            ]
        )

    flow = kiosk_returns(runtime)
    flow._fetch = fetch
    ctl = FakeController(runtime)
    model = ReturnModel(ctl)
    try:
        model.open()
        model.sign_in("S001", "1234")
        model.set_entry_mode("store")
        model.type_key(str(sale["receipt_no"]))
        model.submit_entry()
        assert asked == [("", sale["receipt_no"])]
        assert [(f["kiosk_id"], f["time"]) for f in model.found] == [
            ("K99", "2026-12-06 10:15"),
            ("K98", "2026-12-01 09:00"),
        ]
        assert model.stage == "find" and not model.feedback_error
        model.find_in_store(model.found[0]["receipt_no"], model.found[0]["kiosk_id"])
        assert asked[-1] == ("K99", sale["receipt_no"])
        assert model.stage == "choose"
        assert model.sale["kiosk_id"] == "K99" and not model.sale["local"]
        assert [row["left"] for row in model.lines] == [1]

        def offline(config, kiosk_id, receipt_no, day=None):
            raise BackOfficeUnreachable("connection refused")

        flow._fetch = offline
        model.new_return()
        model.set_entry_mode("store")
        model.type_key(str(sale["receipt_no"]))
        flow._fetch = fetch
        model.submit_entry()
        assert len(model.found) == 2
        flow._fetch = offline
        model.type_key("42")
        model.submit_entry()
        assert model.found == []  # the other number's sales are not offered for this one
        assert model.feedback_error
        assert model.feedback == rt(ONLY_LOCAL["receipt_offline"], "ja")
        assert "本部システムで返品" in model.feedback
    finally:
        model.stop()
