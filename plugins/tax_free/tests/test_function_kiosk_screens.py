"""GIVEN the kiosk app in a real window with tax-free enabled WHEN a visitor's basket is under the
minimum, or holds an item of ¥1,000,000 or more THEN the screens show the plugin's shortfall,
and staff complete the item details on the on-screen pads (PIN first) before the record is sent."""

from __future__ import annotations

import pytest

from kiosk.config import DEFAULT_CONFIG
from plugins.tax_free import desk_for
from plugins.tax_free.models import RecordStatus
from plugins.tax_free.tests.factories import SALE_DAY, specimen_mrz
from tests.factories import product
from tests.ui.conftest import kiosk_factory  # noqa: F401  (the real-window fixture)

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"  # ¥150 incl. 8 %: ¥139 excl. tax
WATCH = product(901, 1_650_000, department="watches")  # ¥1,500,000 + 10 %


@pytest.fixture
def kiosk(kiosk_factory, tmp_path):  # noqa: F811
    config = tmp_path / "taxfree.toml"
    config.write_text(
        DEFAULT_CONFIG.read_text(encoding="utf-8")
        + '\n[plugins.tax_free]\nenabled = true\nstore_code = "TF-0001"\n',
        encoding="utf-8",
    )
    kiosk = kiosk_factory(config_file=config)
    # real sales: a training kiosk's sales make no tax-free record (the simulators stand for
    # real money here)
    kiosk.runtime.training = False
    kiosk.runtime.clock = lambda: SALE_DAY
    kiosk.runtime.store.upsert_products([WATCH])
    kiosk.runtime.catalogue.add(WATCH)
    kiosk.ctl.set_language("en")
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    return kiosk


def tap_keys(kiosk, pad, keys: str) -> None:
    for key in keys:
        kiosk.tap_text(pad, key)


def become_tax_free(kiosk) -> object:
    kiosk.tap(kiosk.widget("taxfree", "shopping"))
    screen = kiosk.wait_screen("taxfree")
    line1, line2 = specimen_mrz(expiry="350415")
    kiosk.type_burst(line1)
    kiosk.type_burst(line2)
    kiosk.wait(
        lambda: kiosk.screen("taxfree").model.state == "needs_information",
        timeout=10,
        what="MRZ read",
    )
    kiosk.settle()
    tap_keys(kiosk, screen.ids.landing_pad, "20261030")
    kiosk.tap(screen.ids.temporary_visitor)
    kiosk.wait(lambda: kiosk.screen("taxfree").model.state == "ready", what="eligible")
    kiosk.settle()
    return screen


def scan(kiosk, code: str, lines: int) -> None:
    kiosk.type_burst(code)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == lines, timeout=10, what="the item")
    kiosk.settle()


def staff_pin(kiosk, panel, staff_id: str, pin: str) -> None:
    tap_keys(kiosk, panel.ids.pad, staff_id)
    kiosk.tap(panel.ids.ok)
    tap_keys(kiosk, panel.ids.pad, pin)
    kiosk.tap(panel.ids.ok)
    kiosk.settle()


def pay_by_card(kiosk) -> None:
    kiosk.ctl.flows.open_payment()
    kiosk.wait_screen("methods")
    kiosk.ctl.flows.pay("card")  # cash stops at ¥999,999
    kiosk.wait_screen("receipt", timeout=15)


def type_field(kiosk, panel, field: str, text: str) -> None:
    kiosk.tap(panel.ids[field])
    tap_keys(kiosk, panel.ids.text_pad, text)


def test_the_shortfall_to_the_minimum_shows_on_the_basket_and_the_tax_free_screen(kiosk) -> None:
    ctl = kiosk.ctl
    screen = become_tax_free(kiosk)
    kiosk.tap(screen.ids.back)
    shopping = kiosk.wait_screen("shopping")
    scan(kiosk, ONIGIRI, 1)
    kiosk.wait(
        lambda: kiosk.screen("taxfree").model.shortfall == 5_000 - 139,
        what="the plugin's shortfall",
    )
    kiosk.settle()
    assert desk_for(kiosk.runtime).status().shortfall == 4_861
    assert (
        shopping.ids.taxfree_shortfall.text
        == "Add ￥4,861 (excl. tax) more to qualify for tax-free."
    )
    ctl.set_language("ja")
    kiosk.settle()
    assert shopping.ids.taxfree_shortfall.text == "あと ￥4,861（税抜）で免税の対象になります。"
    kiosk.tap(shopping.ids.taxfree)
    kiosk.wait_screen("taxfree")
    assert "4,861" in screen.ids.shortfall.text

    kiosk.tap(screen.ids.back)
    kiosk.wait_screen("shopping")
    scan(kiosk, WATCH.gtin, 2)  # far over the minimum; but staff must enter its details
    kiosk.wait(lambda: kiosk.screen("taxfree").model.shortfall == 0, what="no shortfall")
    kiosk.settle()
    assert "4,861" not in shopping.ids.taxfree_shortfall.text
    assert "100万円" in shopping.ids.taxfree_shortfall.text


def test_staff_enter_the_details_of_a_high_value_item_before_payment(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    screen = become_tax_free(kiosk)
    kiosk.tap(screen.ids.back)
    kiosk.wait_screen("shopping")
    scan(kiosk, WATCH.gtin, 1)
    kiosk.tap(kiosk.widget("taxfree", "shopping"))
    kiosk.wait_screen("taxfree")
    kiosk.wait(lambda: kiosk.screen("taxfree").model.detail_lines, what="the line needing details")
    kiosk.settle()
    assert "1,000,000" in screen.ids.details_needed.text
    panel = screen.ids.details_panel
    assert panel.opacity == 0

    kiosk.tap(screen.ids.details_button)
    kiosk.settle()
    assert panel.opacity == 1 and panel.ids.pin_box.shown and not panel.ids.form_box.shown
    assert "￥1,650,000" in panel.ids.item.text
    staff_pin(kiosk, panel, "S001", "0000")  # wrong PIN: the form stays shut
    kiosk.wait(lambda: panel.ids.feedback.text == "Wrong staff ID or PIN.", what="refusal")
    assert not panel.ids.form_box.shown

    staff_pin(kiosk, panel, "S001", "1234")
    kiosk.wait(lambda: kiosk.screen("taxfree").model.details_step == "form", what="the form")
    kiosk.settle()
    assert panel.ids.form_box.shown and not panel.ids.pin_box.shown
    assert panel.ids.save.disabled  # brand and model are required
    type_field(kiosk, panel, "brand_field", "ROLEX")
    type_field(kiosk, panel, "model_field", "126610LN")
    type_field(kiosk, panel, "serial_field", "7Q4X9012")
    assert (panel.brand, panel.model_number, panel.serial_number) == (
        "ROLEX",
        "126610LN",
        "7Q4X9012",
    )
    kiosk.tap(panel.ids.save)
    kiosk.wait(lambda: not kiosk.screen("taxfree").model.detail_lines, what="details saved")
    kiosk.settle()
    assert panel.opacity == 0 and screen.ids.details_needed.text == ""

    pay_by_card(kiosk)
    stored = desk_for(runtime).recorder.store.by_sale(ctl.flows.last_sale.sale_id)
    assert stored.status is RecordStatus.PENDING  # complete: queued for transmission
    [item] = stored.record.items
    assert (item.details.brand, item.details.model_number, item.details.serial_number) == (
        "ROLEX",
        "126610LN",
        "7Q4X9012",
    )
    assert any(e.kind == "staff_unlock" for e in _journal(runtime))


def test_a_paid_record_waiting_for_details_is_completed_at_the_kiosk(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    screen = become_tax_free(kiosk)
    kiosk.tap(screen.ids.back)
    kiosk.wait_screen("shopping")
    scan(kiosk, WATCH.gtin, 1)
    pay_by_card(kiosk)
    store = desk_for(runtime).recorder.store
    sale_id = ctl.flows.last_sale.sale_id
    assert store.by_sale(sale_id).status is RecordStatus.NEEDS_DETAILS  # not sent
    assert store.transmissions() == {}
    ctl.flows.finish()
    kiosk.wait_screen("thanks")
    assert kiosk.screen("taxfree").model.state == "off"
    ctl.flows.to_attract()
    kiosk.wait_screen("attract")
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.tap(kiosk.widget("taxfree", "shopping"))
    kiosk.wait_screen("taxfree")
    kiosk.wait(lambda: kiosk.screen("taxfree").model.detail_lines, what="the stored record's line")
    kiosk.settle()
    panel = screen.ids.details_panel
    kiosk.tap(screen.ids.details_button)
    kiosk.settle()
    staff_pin(kiosk, panel, "S001", "1234")
    kiosk.wait(lambda: kiosk.screen("taxfree").model.details_step == "form", what="the form")
    kiosk.settle()
    type_field(kiosk, panel, "brand_field", "ROLEX")
    type_field(kiosk, panel, "model_field", "126610")
    kiosk.tap(panel.ids.save)
    kiosk.wait(lambda: not kiosk.screen("taxfree").model.detail_lines, what="details saved")
    kiosk.settle()
    stored = store.by_sale(sale_id)
    assert stored.status is RecordStatus.PENDING
    assert stored.record.items[0].details.model_number == "126610"
    assert store.transmissions()[stored.row.record_id].state == "queued"


def _journal(runtime):
    from sqlalchemy import select

    from kiosk.store.models import JournalRow

    with runtime.store.transaction() as session:
        return list(session.scalars(select(JournalRow)))
