"""APPI: purpose shown before data is taken, consent recorded with its version, personal data
encrypted at rest, phone look-up by keyed HMAC, erasure on request, staff roles and audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.staff import NotAllowed, demo_accounts
from kiosk.store.models import JournalRow
from plugins.conftest import RICE, scan
from plugins.loyalty import loyalty_for
from plugins.loyalty.consent import PURPOSE_VERSION, purpose_notice
from plugins.loyalty.errors import ConsentRequired, ForgedMemberCode, UnknownMember

NAME, PHONE, EMAIL = "佐藤 太郎", "080-9876-5432", "taro.sato@example.jp"
ATTENDANT, MANAGER = demo_accounts()


def _raw_bytes(runtime) -> bytes:
    """Everything SQLite keeps on disk for this store: the file and its WAL."""
    path = runtime.store.path
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("language", ["ja", "en", "zh-Hans", "ko"])
def test_purpose_of_use_is_shown_in_the_shoppers_language_first(kiosk, language):
    offer = loyalty_for(kiosk()).begin_enrolment(language)
    assert offer.notice.language == language and offer.notice.version == PURPOSE_VERSION
    assert offer.notice.body == purpose_notice(language).body


# the digests consent records of version 2026-01 were taken with: the texts moved from a
# Python dict into the plugin's catalogue word for word, so what a shopper agreed to stays it
AGREED_SHA256 = {
    "ja": "c01175e82ad65cc1cbd75f2d152182536a725a898e9ab993090ba3f78718673d",
    "en": "6a75bcfb60c1e5ed0bc200b342216543fa17af39a1448578724d94c9b4e34957",
    "zh-Hans": "7957f1d46fb2dd36cd44573de1769bb60e999607f836ddf5dbe80d0aa36a8f43",
    "ko": "cd3c6056f3cefd4a01610440da8d91a5fb6d13d7a10282ce5a067440b95b7320",
}


@pytest.mark.parametrize("language", ["ja", "en", "zh-Hans", "ko"])
def test_the_notice_comes_from_the_catalogue_unchanged(language):
    notice = purpose_notice(language)
    assert notice.sha256 == AGREED_SHA256[language]
    assert language == "en" or notice.title != "How we use your personal data"


def test_no_enrolment_without_the_notice_or_without_agreement(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    with pytest.raises(ConsentRequired, match="purpose of use first"):
        service.enrol("never-shown", True, name=NAME)
    offer = service.begin_enrolment("en")
    with pytest.raises(ConsentRequired, match="did not agree"):
        service.enrol(offer.token, False, name=NAME, phone=PHONE)
    assert NAME.encode() not in _raw_bytes(runtime)
    with pytest.raises(UnknownMember):
        service.identify_by_phone(PHONE)


def test_consent_is_recorded_with_the_version_and_digest_of_the_text_seen(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    offer = service.begin_enrolment("ko")
    enrolment = service.enrol(offer.token, True)  # every field is optional: QR-only member
    [record] = service.directory.consent_records(enrolment.member.member_id)
    assert (record["version"], record["language"]) == (PURPOSE_VERSION, "ko")
    assert record["text_sha256"] == offer.notice.sha256
    # the member QR works at once
    assert scan(runtime, enrolment.qr_payload).claim.payload.member_id == enrolment.member.member_id
    assert enrolment.qr_svg().startswith("<?xml")


def test_a_stolen_database_file_shows_no_personal_data(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    offer = service.begin_enrolment("ja")
    service.enrol(offer.token, True, name=NAME, phone=PHONE, email=EMAIL)
    raw = _raw_bytes(runtime)
    for secret in (NAME, PHONE, "09876", "5432", EMAIL, "taro.sato"):
        assert secret.encode() not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret
    # …yet the kiosk, holding the key file, finds the member by phone (any format)
    assert service.identify_by_phone("０８０９８７６５４３２").display_name == NAME
    assert service.identify_by_phone("+81 80 9876 5432").display_name == NAME


def test_a_forged_member_qr_is_refused_clearly(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment().token, True)
    runtime.member_id = None
    forged = enrolment.qr_payload[:-2] + ("AA" if not enrolment.qr_payload.endswith("AA") else "BB")
    claim = scan(runtime, forged).claim
    assert claim.plugin == "loyalty" and "not valid" in claim.text("en")
    assert runtime.member_id is None
    with pytest.raises(ForgedMemberCode):
        service.identify_code(forged)


def test_erasure_removes_personal_data_and_keeps_anonymised_sales(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment().token, True, name=NAME, phone=PHONE)
    member_id = enrolment.member.member_id
    scan(runtime, RICE)
    sale = runtime.pay("cash")
    runtime.finish()

    with pytest.raises(NotAllowed, match="manager"):
        service.delete_member(member_id, ATTENDANT)
    service.delete_member(member_id, MANAGER)

    with pytest.raises(UnknownMember):
        service.identify_by_phone(PHONE)
    claim = scan(runtime, enrolment.qr_payload).claim
    assert claim.payload is None and "no member" in claim.text("en")
    with pytest.raises(UnknownMember):
        service.directory.profile(member_id)
    assert service.balance(member_id).points == 0
    assert service.sale_record(sale.sale_id)["member_id"] is None
    assert runtime.store.sale_exists(sale.sale_id) and runtime.store.sale_count() == 1
    assert runtime.store.verify_journal().ok


def test_staff_access_to_personal_data_needs_a_manager_and_is_audited(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    member_id = service.enrol(service.begin_enrolment().token, True, name=NAME).member.member_id
    with pytest.raises(NotAllowed):
        service.member_details(member_id, ATTENDANT)
    assert service.member_details(member_id, MANAGER).name == NAME
    with runtime.store.transaction() as session:
        rows = session.scalars(select(JournalRow).where(JournalRow.kind.like("loyalty%"))).all()
    kinds = [row.kind for row in rows]
    assert kinds == ["loyalty_enrolled", "loyalty_staff_access"]
    assert '"staff_id":"M001"' in rows[1].payload and NAME not in rows[1].payload


def test_without_the_key_file_the_members_cannot_be_read(kiosk, tmp_path):
    from plugins.loyalty.crypto import KeyRing
    from plugins.loyalty.errors import KeyUnavailable

    runtime = kiosk(loyalty={"key": None, "key_file": str(tmp_path / "keys" / "loyalty.key")})
    service = loyalty_for(runtime)
    member_id = service.enrol(service.begin_enrolment().token, True, name=NAME).member.member_id
    assert (tmp_path / "keys" / "loyalty.key").stat().st_mode & 0o077 == 0
    service.directory.keys = KeyRing.generate()  # e.g. the database copied to another machine
    with pytest.raises(KeyUnavailable, match="does not decrypt"):
        service.directory.profile(member_id)
