"""End to end on a real runtime: tax-free session, VJW QR or passport, items, cash, receipt."""

from datetime import date, datetime

import pytest

from kiosk.domain.product import TaxCategory
from kiosk.domain.receipt_text import QR_MARK
from kiosk.domain.scan import Scan, Symbology
from plugins.tax_free import desk_for
from plugins.tax_free.buyer import ResidenceStatus
from plugins.tax_free.desk import SessionState
from plugins.tax_free.errors import OldRulesNeedCounter, TaxFreeUnavailable
from plugins.tax_free.models import RecordStatus
from plugins.tax_free.recorder import Recorder
from plugins.tax_free.vjw import encode_vjw
from tests.factories import product

from .factories import SPECIMEN_LINE1, Clock, specimen_mrz, visitor

SETTINGS = {"tax_free": {"enabled": True, "store_code": "TF-0001"}}
KIMONO = product(101, 6_600, department="apparel")  # ¥6,000 + 10 %
TEA = product(102, 1_080, TaxCategory.REDUCED, department="food")  # ¥1,000 + 8 %
SCARF = product(103, 3_300, department="apparel")


def _runtime(make_runtime, now=datetime(2026, 11, 2, 14, 30), training=False):
    runtime = make_runtime(plugin_config=SETTINGS, training=training)
    runtime.clock = Clock(now)
    runtime.store.upsert_products([KIMONO, TEA, SCARF])
    for item in (KIMONO, TEA, SCARF):
        runtime.catalogue.add(item)
    return runtime


def _scan(runtime, code, symbology=Symbology.EAN13):
    return runtime.handle_scan(Scan(code, symbology, "camera"))


def test_vjw_qr_then_items_then_cash_makes_a_record_and_a_receipt_section(make_runtime):
    runtime = _runtime(make_runtime)
    desk = desk_for(runtime)
    assert desk.start().state is SessionState.WAITING_FOR_DOCUMENT

    outcome = _scan(runtime, encode_vjw(visitor()), Symbology.QR)
    assert outcome.claim is not None and outcome.claim.plugin == "tax_free"
    assert outcome.claim.payload.state is SessionState.READY
    _scan(runtime, KIMONO.gtin)
    _scan(runtime, TEA.gtin)
    status = desk.status()
    assert (status.basket_net, status.shortfall) == (7_000, 0)

    sale = runtime.pay("cash")

    stored = desk.recorder.store.by_sale(sale.sale_id)
    assert stored.status is RecordStatus.PENDING
    record = stored.record
    assert stored.buyer.passport_number == "TR1234567"
    assert stored.buyer.landing_date == date(2026, 10, 28)
    assert stored.buyer.residence_status is ResidenceStatus.TEMPORARY_VISITOR
    assert record.store.store_code == "TF-0001" and record.sold_at == datetime(2026, 11, 2, 14, 30)
    assert [(i.sku, i.quantity, i.unit_price, i.amount) for i in record.items] == [
        (KIMONO.sku, 1, 6_600, 6_600),
        (TEA.sku, 1, 1_080, 1_080),
    ]
    assert record.refund_amount == sale.totals.tax_total == 680
    assert record.export_deadline == date(2027, 1, 31)

    receipt = runtime.receipt(sale)
    english, japanese = receipt.sections
    assert english.title.startswith("TAX-FREE")
    assert japanese.title.startswith("免税")
    text = "\n".join(english.lines)
    assert "Tax to be refunded ￥680" in text
    assert "2027-01-31" in text and "Customs" in text and "every item" in text
    assert "*****4567" in text and "TR1234567" not in text
    assert english.qr == f"TAXFREE:{record.record_id}"
    printed = runtime.receipt_lines(sale)
    assert QR_MARK + english.qr in printed  # the section's code reaches the paper
    assert all(
        len(line.encode("cp932", "replace")) <= runtime.config.receipt_width
        for line in printed
        if not line.startswith(QR_MARK)
    )

    runtime.finish()
    assert desk.state is SessionState.OFF


def test_shopper_language_section_follows_english(make_runtime):
    runtime = _runtime(make_runtime)
    runtime.language = "ko"
    desk_for(runtime).present_vjw(encode_vjw(visitor()))
    _scan(runtime, KIMONO.gtin)
    sale = runtime.pay("cash")
    titles = [s.title for s in runtime.receipt(sale).sections]
    assert titles == ["TAX-FREE (refund after customs)", "면세 (세관 확인 후 환급)"]


def test_before_2026_11_01_the_kiosk_sends_the_shopper_to_the_counter(make_runtime):
    runtime = _runtime(make_runtime, now=datetime(2026, 10, 31, 23, 59))
    with pytest.raises(OldRulesNeedCounter, match="counter"):
        desk_for(runtime).start()
    outcome = _scan(runtime, encode_vjw(visitor()), Symbology.QR)
    assert isinstance(outcome.claim.payload, OldRulesNeedCounter)


def test_below_the_minimum_the_sale_is_taxed_and_the_receipt_says_why(make_runtime):
    runtime = _runtime(make_runtime)
    desk = desk_for(runtime)
    desk.present_vjw(encode_vjw(visitor()))
    _scan(runtime, SCARF.gtin)
    assert desk.status().shortfall == 2_000
    sale = runtime.pay("cash")
    assert desk.recorder.store.by_sale(sale.sale_id) is None
    text = "\n".join(runtime.receipt(sale).sections[0].lines)
    assert "Not tax-free" in text and "￥3,000" in text and "￥5,000" in text


def test_same_day_purchases_at_the_store_count_toward_the_minimum(make_runtime):
    runtime = _runtime(make_runtime)
    desk = desk_for(runtime)
    desk.present_vjw(encode_vjw(visitor()))
    _scan(runtime, KIMONO.gtin)
    runtime.pay("cash")
    runtime.finish()
    desk.present_vjw(encode_vjw(visitor()))
    _scan(runtime, SCARF.gtin)  # ¥3,000 alone, ¥9,000 with this morning's record
    assert desk.status().shortfall == 0
    sale = runtime.pay("cash")
    assert desk.recorder.store.by_sale(sale.sale_id).status is RecordStatus.PENDING


def test_passport_mrz_then_landing_details_from_staff(make_runtime):
    runtime = _runtime(make_runtime)
    desk = desk_for(runtime)
    line1, line2 = specimen_mrz(expiry="310415")
    outcome = _scan(runtime, f"{line1}\r{line2}", Symbology.UNKNOWN)  # a HID passport reader
    status = outcome.claim.payload
    assert status.state is SessionState.NEEDS_INFORMATION and status.missing == "landing_date"
    assert (
        desk.provide_landing(date(2026, 10, 30), ResidenceStatus.TEMPORARY_VISITOR).state
        is SessionState.READY
    )
    _scan(runtime, KIMONO.gtin)
    sale = runtime.pay("cash")
    buyer = desk.recorder.store.by_sale(sale.sale_id).buyer
    assert (buyer.surname, buyer.passport_number, buyer.nationality) == (
        "ERIKSSON",
        "L898902C3",
        "UTO",
    )


def test_an_expired_passport_is_refused_and_the_sale_goes_on_taxed(make_runtime):
    runtime = _runtime(make_runtime)
    outcome = _scan(runtime, f"{SPECIMEN_LINE1}\n{specimen_mrz()[1]}", Symbology.UNKNOWN)
    assert outcome.claim.payload.state is SessionState.REFUSED
    _scan(runtime, KIMONO.gtin)
    sale = runtime.pay("cash")
    assert runtime.receipt(sale).sections == ()


def test_a_record_lost_in_a_crash_is_finished_at_the_next_start(make_runtime, monkeypatch):
    """GIVEN the sale committed but the plugin failed before writing the record
    WHEN the kiosk starts again THEN the draft becomes the record."""
    runtime = _runtime(make_runtime)
    desk_for(runtime).present_vjw(encode_vjw(visitor()))
    _scan(runtime, KIMONO.gtin)
    real_complete = Recorder.complete
    monkeypatch.setattr(Recorder, "complete", lambda *a: (_ for _ in ()).throw(OSError("crash")))
    sale = runtime.pay("cash")
    assert any(p.plugin == "plugins.tax_free" for p in runtime.host.problems)
    runtime.shutdown()
    monkeypatch.setattr(Recorder, "complete", real_complete)

    again = make_runtime(plugin_config=SETTINGS)
    stored = desk_for(again).recorder.store.by_sale(sale.sale_id)
    assert stored.status is RecordStatus.PENDING
    assert stored.record.refund_amount == 600


def test_without_settings_tax_free_is_off(make_runtime):
    runtime = make_runtime()
    with pytest.raises(TaxFreeUnavailable, match="enabled = true"):
        desk_for(runtime)
    assert _scan(runtime, encode_vjw(visitor()), Symbology.QR).claim is None
