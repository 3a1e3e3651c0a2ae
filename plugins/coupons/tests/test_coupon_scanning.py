"""Scanned coupons through the runtime: genuine, forged, expired; kinds, limits, stacking."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from plugins.conftest import DISH_SOAP, ONIGIRI, RICE, TEA, TISSUES, coupon_qr, scan
from plugins.coupons import coupons_for
from plugins.coupons.codes import Verifier, sign_ed25519
from plugins.coupons.errors import ForgedCoupon
from plugins.loyalty import loyalty_for


def _total(runtime):
    return runtime.checkout.totals.total


def test_a_forged_coupon_is_refused_with_a_clear_message_and_is_not_a_product(kiosk):
    runtime = kiosk()
    genuine = coupon_qr("C100", "SN-1")
    _body, sig = genuine[5:].split(".")
    tampered_body = base64.urlsafe_b64encode(b'{"cid":"C100","sn":"SN-1","t":{"amount_off":9999}}')
    for forged in (f"KC1H.{tampered_body.decode().rstrip('=')}.{sig}", genuine[:-3] + "xyz"):
        outcome = scan(runtime, forged)
        assert outcome.accepted and outcome.claim.plugin == "coupons"
        assert isinstance(outcome.claim.payload, ForgedCoupon)
        assert "not genuine" in outcome.claim.text("en") and "偽造" in outcome.claim.text("ja")
    assert runtime.checkout.basket.is_empty()


def test_an_expired_coupon_says_when_it_expired(kiosk):
    runtime = kiosk()
    claim = scan(runtime, coupon_qr("C100", "SN-2", exp="2026-02-28")).claim
    assert claim.text("en") == "This coupon expired on 2026-02-28."


def test_ed25519_coupons_verify_with_the_public_key_only():
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    verifier = Verifier.from_settings({"ed25519_public_key": base64.b64encode(public).decode()})
    code = sign_ed25519({"cid": "C100", "sn": "E1"}, private)
    assert verifier.verify(code)["sn"] == "E1"
    with pytest.raises(ForgedCoupon):
        verifier.verify(sign_ed25519({"cid": "C100", "sn": "E1"}, Ed25519PrivateKey.generate()))


def test_item_department_and_percentage_coupons(kiosk):
    runtime = kiosk()
    for code in (TEA, DISH_SOAP, TISSUES, ONIGIRI):
        scan(runtime, code)
    base = _total(runtime)
    scan(runtime, coupon_qr("TEA30", "I1"))
    assert _total(runtime) == base - 30
    scan(runtime, coupon_qr("HH10", "D1"))
    assert _total(runtime) == base - 30 - (198 + 398) * 10 // 100


def test_minimum_spend_and_terms_signed_into_the_code(kiosk):
    runtime = kiosk()
    scan(runtime, ONIGIRI)
    scan(runtime, coupon_qr("MIN1000", "M1"))
    assert _total(runtime) == 150  # held, but the basket is below ¥1,000
    scan(runtime, RICE)
    assert _total(runtime) == 150 + 2480 - 200
    # a coupon may carry its own terms, covered by the signature
    inline = {"scope": "basket", "percent_off": 10, "label_ja": "10%引", "label_en": "10% off"}
    scan(runtime, coupon_qr("CAMPAIGN-X", "X1", t=inline))
    # percentages go before fixed amounts within a stage: 10 % of 2,630, then ¥200
    assert _total(runtime) == 2630 - 263 - 200


def test_single_use_across_sales_and_release_on_cancel(kiosk):
    runtime = kiosk()
    code = coupon_qr("C100", "ONE")
    scan(runtime, RICE)
    scan(runtime, code)
    again = scan(runtime, code).claim
    assert "already on this sale" in again.text("en")
    runtime.cancel()  # released
    scan(runtime, RICE)
    assert "accepted" in scan(runtime, code).claim.text("en")
    runtime.pay("cash")
    runtime.finish()
    scan(runtime, RICE)
    assert scan(runtime, code).claim.text("en") == "This coupon has already been used."


def test_a_coupon_not_scanned_into_the_discount_is_released_at_commit(kiosk):
    runtime = kiosk()
    scan(runtime, ONIGIRI)
    scan(runtime, coupon_qr("MIN1000", "UNUSED"))  # min spend never reached
    sale = runtime.pay("cash")
    assert coupons_for(runtime).book.consumed_for(sale.sale_id) == []
    runtime.finish()
    scan(runtime, RICE)
    assert "accepted" in scan(runtime, coupon_qr("MIN1000", "UNUSED")).claim.text("en")


def test_non_combinable_coupon_and_members_only_and_per_member_limit(kiosk):
    runtime = kiosk()
    scan(runtime, RICE)
    scan(runtime, coupon_qr("C100", "A"))
    assert "cannot be combined" in scan(runtime, coupon_qr("SOLO", "B")).claim.text("en")
    assert "scan your member card first" in scan(runtime, "9990000000017").claim.text("en")

    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment().token, True)
    assert "accepted" in scan(runtime, "9990000000017").claim.text("en")  # shared flyer code
    runtime.pay("cash")
    runtime.finish()
    scan(runtime, enrolment.qr_payload)
    scan(runtime, RICE)
    assert "1 time(s) per member" in scan(runtime, "9990000000017").claim.text("en")


def test_coupons_attached_to_a_member_apply_when_the_member_is_identified(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    member = service.enrol(service.begin_enrolment().token, True).member.member_id
    coupons_for(runtime).attach(member, "C100")
    runtime.member_id = None
    scan(runtime, RICE)
    assert _total(runtime) == 2480
    service.identify_code(service.directory.member_qr(member))
    assert _total(runtime) == 2380
    sale = runtime.pay("cash")
    assert coupons_for(runtime).book.consumed_for(sale.sale_id) == [f"C100@{member}"]
