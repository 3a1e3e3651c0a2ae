"""GIVEN the kiosk app in a real window WHEN a visitor shops tax-free with a passport, a
shopper enrols as a member, or the camera scanner shows its preview THEN the screens show
what the plugins decided and the store holds exactly what the shopper agreed to."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from kiosk.config import DEFAULT_CONFIG
from kiosk.messages import catalogue as messages_catalogue
from plugins.loyalty.ui import enrol as enrol_screen
from plugins.tax_free.tests.factories import specimen_mrz, with_char
from plugins.tax_free.ui import screen as taxfree_screen

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"
SALE_DAY = datetime(2026, 11, 2, 14, 30)


def config_with(tmp_path, name: str, extra: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture
def tax_free_kiosk(kiosk_factory, tmp_path):
    config = config_with(
        tmp_path, "taxfree", '[plugins.tax_free]\nenabled = true\nstore_code = "TF-0001"\n'
    )
    kiosk = kiosk_factory(config_file=config)
    kiosk.runtime.clock = lambda: SALE_DAY  # the refund method applies from 2026-11-01
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    return kiosk


def test_tax_free_button_only_when_the_store_enabled_it(kiosk) -> None:
    kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    assert not kiosk.screen("taxfree").model.available
    assert "taxfree" not in shopping.ids  # the layout is the store's usual one


def test_passport_mrz_then_landing_date_gives_tax_free_and_the_receipt_says_so(
    tax_free_kiosk,
) -> None:
    kiosk, ctl = tax_free_kiosk, tax_free_kiosk.ctl
    # a real sale: a training kiosk's sales make no record for the tax authority (their
    # receipt section is marked 練習); the simulators stand for real money here
    kiosk.runtime.training = False
    shopping = kiosk.screen("shopping")
    assert shopping.ids.taxfree_row.parent is not None
    kiosk.tap(shopping.ids.taxfree)
    screen = kiosk.wait_screen("taxfree")
    assert kiosk.screen("taxfree").model.state == "waiting_for_document"
    assert "パスポート" in screen.ids.status.text or "旅券" in screen.ids.status.text

    line1, line2 = specimen_mrz(expiry="350415")  # the ICAO specimen, valid on the sale day
    kiosk.type_burst(line1)  # a HID passport reader: two lines, each ending in Enter
    kiosk.type_burst(line2)
    kiosk.wait(
        lambda: kiosk.screen("taxfree").model.state == "needs_information",
        timeout=10,
        what="MRZ read",
    )
    kiosk.settle()
    assert ctl.rows == []  # the MRZ lines never reached the basket as "barcodes"
    assert "ERIKSSON" in screen.ids.buyer.text
    assert screen.ids.landing.opacity == 1
    kiosk.tap_keys(screen.ids.landing_pad, "20261030")
    kiosk.tap(screen.ids.temporary_visitor)
    kiosk.wait(lambda: kiosk.screen("taxfree").model.state == "ready", what="eligible")
    kiosk.settle()
    assert screen.ids.status.text == ctl.t(taxfree_screen.READY, domain=taxfree_screen.DOMAIN)

    kiosk.tap(screen.ids.back)
    kiosk.wait_screen("shopping")
    assert "TAX-FREE" in shopping.ids.taxfree_badge.children[0].text
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(ctl.rows) == 1, timeout=10, what="an item")
    kiosk.runtime.method("cash").drawer.insert(1000)
    ctl.flows.open_payment()
    kiosk.wait_screen("methods")
    ctl.flows.pay("cash")
    receipt = kiosk.wait_screen("receipt")
    assert receipt.ids.plugin_notes.text and receipt.ids.plugin_notes.height > 10
    sections = kiosk.runtime.receipt(ctl.flows.last_sale).sections
    assert any(s.title.startswith("TAX-FREE") for s in sections)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("check digit", taxfree_screen.CHECK_DIGIT),
        ("expired", taxfree_screen.EXPIRED),
    ],
)
def test_broken_or_expired_passport_shows_why(tax_free_kiosk, broken, message) -> None:
    kiosk, ctl = tax_free_kiosk, tax_free_kiosk.ctl
    ctl.set_language("en")
    kiosk.tap(kiosk.widget("taxfree", "shopping"))
    screen = kiosk.wait_screen("taxfree")
    if broken == "check digit":
        line1, line2 = specimen_mrz(expiry="350415")
        line2 = with_char(line2, 9, "0" if line2[9] != "0" else "1")  # document no. check digit
    else:
        line1, line2 = specimen_mrz()  # the specimen as printed: expired 2012-04-15
    kiosk.type_burst(line1)
    kiosk.type_burst(line2)
    kiosk.wait(lambda: kiosk.screen("taxfree").model.error, what="the error")
    kiosk.settle()
    assert screen.ids.status.text == message
    assert (
        kiosk.screen("taxfree").model.state != "ready"
        and kiosk.runtime.checkout.basket.active_lines == []
    )
    kiosk.tap(screen.ids.back)
    shopping = kiosk.wait_screen("shopping")
    assert "TAX-FREE" not in shopping.ids.taxfree_badge.children[0].text


def _members(runtime) -> tuple[int, int]:
    from plugins.loyalty import tables

    with runtime.store.transaction() as session:
        members = session.execute(select(func.count()).select_from(tables.members)).scalar()
        consents = session.execute(select(func.count()).select_from(tables.consents)).scalar()
    return members, consents


def test_enrolment_needs_consent_first_then_shows_the_member_qr(kiosk) -> None:
    ctl, runtime = kiosk.ctl, kiosk.runtime
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.tap(kiosk.widget("code", "shopping"))
    code = kiosk.wait_screen("code")
    kiosk.tap(code.ids.enrol)
    screen = kiosk.wait_screen("enrol")
    kiosk.wait(lambda: screen.version, what="the purpose of use")
    assert screen.ids.notice_title.text == "個人情報の利用目的"
    assert "2026-02" in screen.ids.notice_version.text
    assert screen.ids.details.opacity == 0  # no field is offered before the agreement
    ctl.set_language("en")
    kiosk.wait(lambda: screen.title == "How we use your personal data", what="English notice")
    # the notice names exactly what this screen asks for: the phone, the name only if shown
    asks_name = screen.model.show_name
    kiosk.wait(lambda: screen.body.startswith("The phone number"), what="English body")
    assert ("name you enter" in screen.body) is asks_name and "e-mail" not in screen.body

    # refused: back to the member screen, nothing stored
    kiosk.tap(screen.ids.decline)
    kiosk.wait_screen("code")
    assert _members(runtime) == (0, 0)

    # agreed: phone number on the keypad, then the new member's QR and balance
    kiosk.tap(code.ids.enrol)
    kiosk.wait_screen("enrol")
    kiosk.wait(lambda: screen.version, what="the purpose of use")
    kiosk.tap(screen.ids.agree)
    kiosk.settle()
    assert screen.ids.details.opacity == 1
    kiosk.tap_keys(screen.ids.phone_pad, "09012345678")
    kiosk.tap(screen.ids.register)
    kiosk.wait(lambda: screen.step == "done", timeout=10, what="enrolled")
    kiosk.settle()
    service = enrol_screen.loyalty_service(runtime)
    assert service.directory.exists(screen.member_id)
    [consent] = service.directory.consent_records(screen.member_id)
    assert (consent["version"], consent["language"]) == ("2026-02", "en")
    assert runtime.member_id == screen.member_id  # identified for this sale at once
    assert screen.ids.qr.texture is not None and screen.ids.qr.texture.width > 100
    assert screen.ids.balance.text.endswith("0 pt")
    assert service.identify_by_phone("09012345678").member_id == screen.member_id
    # the demo is a training kiosk: no points are promised for this purchase
    note = ctl.t(
        "Take a photo of this code and scan it next time to collect points. This is a "
        "training kiosk: the receipt shows the points this purchase would earn, but they are "
        "not awarded.",
        domain=enrol_screen.DOMAIN,
    )
    assert runtime.training and any(getattr(w, "text", None) == note for w in screen.walk())
    kiosk.tap(screen.ids.finish)
    kiosk.wait_screen("shopping")


def test_a_training_sale_shows_the_points_it_would_earn_and_awards_none(kiosk) -> None:
    """GIVEN the demo (training mode) and a member WHEN they pay THEN the receipt screen
    shows the points a real sale would earn, marked as not awarded, and the balance as it
    was; the points ledger books nothing."""
    ctl, runtime = kiosk.ctl, kiosk.runtime
    assert runtime.training
    service = enrol_screen.loyalty_service(runtime)
    enrolment = service.enrol(service.begin_enrolment("ja").token, True, phone="09012345678")
    member_id = enrolment.member.member_id
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.screen("enrol").model.identified(service.identify_by_phone("09012345678"))
    runtime.member_id = member_id
    for _ in range(4):
        kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: ctl.item_count == 4, timeout=20, what="4 items")
    kiosk.runtime.method("cash").drawer.insert(1000)
    ctl.flows.open_payment()
    kiosk.wait_screen("methods")
    ctl.flows.pay("cash")
    receipt = kiosk.wait_screen("receipt")
    kiosk.wait(lambda: "points_earned" in ctl.sale, timeout=10, what="the points")
    kiosk.settle()
    sale = ctl.flows.last_sale
    would = service.training_points(sale.to_document())
    assert would > 0
    assert receipt.ids.points_earned.text == f"{would} pt（練習・付与されません）"
    assert receipt.ids.points_balance.text == "0 pt"
    assert service.sale_record(sale.sale_id) is None
    assert service.balance(member_id).points == 0
    ctl.set_language("en")
    kiosk.settle()
    assert receipt.ids.points_earned.text == f"{would} pt (training: not awarded)"


def test_camera_preview_shows_frames_and_the_scan_lands(kiosk_factory, tmp_path) -> None:
    from plugins.scanner_camera.tests.factories import (
        clutter,
        on_background,
        render_linear,
        write_frames,
    )

    label = render_linear("ean13", ONIGIRI[:12])
    frames = [on_background(label, clutter(640, 480, seed=i), (60, 120)) for i in range(4)]
    folder = write_frames(tmp_path / "frames", frames)
    config = config_with(
        tmp_path,
        "camera",
        f'[plugins.scanner_camera]\nsource = "folder:{folder}"\npreview = true\n',
    )
    kiosk = kiosk_factory(config_file=config)
    ctl = kiosk.ctl
    kiosk.wait(lambda: len(ctl.rows) == 1, timeout=10, what="the camera scan")
    shopping = kiosk.wait_screen("shopping")
    preview = shopping.ids.camera
    kiosk.wait(lambda: preview.texture is not None and preview.shown, what="a preview frame")
    kiosk.settle()
    assert preview.texture.size[0] > 100 and preview.texture.size[1] > 50
    assert preview.height > 0 and preview.opacity == 1
    assert ctl.rows[0]["name"] == ctl.last_name and ctl.item_count == 1


def test_no_camera_no_preview(kiosk) -> None:
    kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    kiosk.pump(3)
    assert not shopping.ids.camera.shown and shopping.ids.camera.height == 0


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_new_screen_messages_are_translated(language: str) -> None:
    messages = [
        v
        for k, v in vars(taxfree_screen).items()
        if k.isupper() and isinstance(v, str) and k != "TAXFREE_SCREENS" and " " in v
    ]
    # each plugin's screen texts are in its own catalogue (plugins/<name>/locale)
    taxfree = messages_catalogue(taxfree_screen.DOMAIN, language)
    assert [m for m in messages if taxfree.gettext(m) == m] == []
    loyalty = messages_catalogue(enrol_screen.DOMAIN, language)
    enrol = [enrol_screen.PHONE_TAKEN, enrol_screen.PHONE_LENGTH, enrol_screen.FAILED]
    assert [m for m in enrol if loyalty.gettext(m) == m] == []
