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
    assert offer.notice.body == purpose_notice(language, with_name=True).body  # show_name


# the digests of version 2026-02, (phone only, phone and name) per language: a consent record
# points at one of these. Version 2026-01 (superseded: it named "name, phone number, e-mail"
# though the screen asks for the phone and, with show_name, the name) was ja c01175e8…,
# en 6a75bcfb…, zh-Hans 7957f1d4…, ko cd3c6056…; its records keep that version and digest.
AGREED_SHA256 = {
    "ja": (
        "cddcff983743637fdf480383401d4ee45edda536e0d9f0227ca6704af921d4d9",
        "c2e1a08e34d021df832d4b9e51d20315a78e1079633911c96050c5266ad029c0",
    ),
    "en": (
        "d75dc0bc5527918d55d37814421a0265f21bbb691071693be80b6f9b65c79ab3",
        "7a1da8288d527feb0685bb97d54a949b0b5f2d3716811db5878569ddf62f2e3e",
    ),
    "zh-Hans": (
        "498c54e8ca7f47d5010438b6ec89f58ed6bdb7a4c2dabb3a575dec2112b2d05d",
        "8da6777e5d9ee82c16d2d7f21aba73efffb7e9fb1505fc6b31b118b1040d2a80",
    ),
    "ko": (
        "d3dcb7d6a3a4f5a2acebb21807604bf106007c0a79ceabf170a7ac68e32ae277",
        "5f55db93ef6d2f3d6851f480f060100004ee3f3fd7e6db6ba340732fe9a905fc",
    ),
}


@pytest.mark.parametrize("language", ["ja", "en", "zh-Hans", "ko"])
def test_the_notice_comes_from_the_catalogue_unchanged(language):
    assert PURPOSE_VERSION == "2026-02"  # a new wording needs a new version and new digests
    phone, named = purpose_notice(language), purpose_notice(language, with_name=True)
    assert (phone.sha256, named.sha256) == AGREED_SHA256[language]
    assert language == "en" or phone.title != "How we use your personal data"


# the data each language names: exactly what the enrolment screen asks for, never e-mail
NAMED = {
    "ja": ("電話番号", "お名前", "メール"),
    "en": ("phone number", "name", "e-mail"),
    "zh-Hans": ("电话号码", "姓名", "邮箱"),
    "ko": ("전화번호", "이름", "이메일"),
}


@pytest.mark.parametrize("language", ["ja", "en", "zh-Hans", "ko"])
def test_the_notice_names_exactly_the_data_the_screen_asks_for(language):
    phone_word, name_word, email_word = NAMED[language]
    phone = purpose_notice(language)
    named = purpose_notice(language, with_name=True)
    assert phone.fields == ("phone",) and named.fields == ("phone", "name")
    assert phone_word in phone.body and name_word not in phone.body
    assert phone_word in named.body and name_word in named.body
    assert email_word not in phone.body and email_word not in named.body
    assert phone.body != named.body  # the name and where it is shown: only when asked


def test_the_kiosk_offers_the_notice_for_what_its_screen_asks(kiosk):
    service = loyalty_for(kiosk())  # the plugins' kiosk shows names (show_name = true)
    assert service.show_name and service.begin_enrolment("ko").notice.fields == ("phone", "name")
    service.show_name = False
    offer = service.begin_enrolment("ko")
    assert offer.notice == purpose_notice("ko")
    with pytest.raises(ConsentRequired, match="did not name name"):
        service.enrol(offer.token, True, name=NAME, phone=PHONE)


def test_data_the_notice_did_not_name_is_refused(kiosk):
    runtime = kiosk()
    service = loyalty_for(runtime)
    offer = service.begin_enrolment("en")
    with pytest.raises(ConsentRequired, match="did not name email"):
        service.enrol(offer.token, True, phone=PHONE, email=EMAIL)
    assert EMAIL.encode() not in _raw_bytes(runtime)


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
    service.enrol(offer.token, True, name=NAME, phone=PHONE)
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


def _coupon_rows_of(runtime, member_id: str) -> tuple[int, int]:
    """(attached coupons, coupon uses) that still name ``member_id`` in the kiosk store."""
    from sqlalchemy import func

    from plugins.coupons import tables as coupon_tables

    attached, uses = coupon_tables.member_coupons, coupon_tables.uses
    with runtime.reading() as read:
        return (
            read.session.scalar(select(func.count()).where(attached.c.member_id == member_id)),
            read.session.scalar(select(func.count()).where(uses.c.member_id == member_id)),
        )


def test_erasure_takes_the_members_coupons_with_it_and_is_audited(kiosk):
    """GIVEN a member with an attached coupon and a sale that used it WHEN a manager erases
    the member THEN no coupon row names the member any more, and the erasure is journalled
    with what each plugin erased (the coupons plugin through kiosk_member_erasers)."""
    from plugins.coupons import coupons_for

    runtime = kiosk()
    service = loyalty_for(runtime)
    enrolment = service.enrol(service.begin_enrolment().token, True, name=NAME, phone=PHONE)
    member_id = enrolment.member.member_id
    coupons_for(runtime).attach(member_id, "C100")
    scan(runtime, RICE)
    sale = runtime.pay("cash")
    runtime.finish()
    assert coupons_for(runtime).book.consumed_for(sale.sale_id) == [f"C100@{member_id}"]
    assert _coupon_rows_of(runtime, member_id) == (1, 1)

    service.delete_member(member_id, MANAGER)

    assert _coupon_rows_of(runtime, member_id) == (0, 0)
    assert coupons_for(runtime).member_coupons(member_id) == []
    with runtime.store.transaction() as session:
        rows = session.scalars(select(JournalRow).where(JournalRow.kind.like("loyalty%"))).all()
    erased = [row.payload for row in rows if row.kind == "loyalty_member_erasure"]
    assert len(erased) == 1 and f'"member_id":"{member_id}"' in erased[0]
    assert '"coupons":2' in erased[0]  # one attached coupon, one use's link
    audits = [row.payload for row in rows if row.kind == "loyalty_staff_access"]
    assert any('"action":"delete_member"' in payload for payload in audits)
    assert runtime.store.verify_journal().ok


class _BrokenEraser:
    """A plugin whose eraser fails: the erasure must not half-happen."""

    @staticmethod
    def kiosk_member_erasers():
        from kiosk.personal_data import MemberEraser

        def erase(uow, member_id, at):
            raise RuntimeError("disk on fire")

        return [MemberEraser("broken", "nothing, it fails", erase)]


def test_an_erasure_a_plugin_cannot_finish_changes_nothing(kiosk):
    """GIVEN a plugin whose eraser raises WHEN a member is erased THEN the erasure fails
    as a whole: the member, the coupons and the points are all still there (staff retry)."""
    from kiosk.hookspecs import hookimpl
    from plugins.coupons import coupons_for

    runtime = kiosk()
    service = loyalty_for(runtime)
    member_id = service.enrol(service.begin_enrolment().token, True, name=NAME).member.member_id
    coupons_for(runtime).attach(member_id, "C100")
    broken = _BrokenEraser()
    broken.kiosk_member_erasers = hookimpl(broken.kiosk_member_erasers)
    runtime.host.register(broken, "broken")

    with pytest.raises(RuntimeError, match="disk on fire"):
        service.delete_member(member_id, MANAGER)

    assert service.directory.profile(member_id).name == NAME
    assert _coupon_rows_of(runtime, member_id) == (1, 0)
