"""GIVEN a reason tax-free is not possible WHEN the plugin refuses THEN it names a stable code,
and the shopper screen has a message for every code in every shopper language, from the
plugin's own catalogue (plugins/tax_free/locale), not the core's."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")  # the screen module imports Kivy
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

from kiosk import messages
from kiosk.ui.i18n import LANGUAGE_NAMES
from plugins.tax_free.buyer import (
    JAPAN,
    OverseasResidenceProof,
    ProofKind,
    ResidenceStatus,
    check_eligibility,
)
from plugins.tax_free.errors import (
    CheckDigitMismatch,
    DocumentUnreadable,
    NotEligible,
    OldRulesNeedCounter,
    RefusalCode,
    TaxFreeUnavailable,
)
from plugins.tax_free.recorder import OutcomeKind, RecordOutcome
from plugins.tax_free.ui import screen

from .factories import visitor

SALE = date(2026, 11, 2)


def test_every_code_has_a_shopper_message() -> None:
    assert set(screen.REFUSALS) == {code.value for code in RefusalCode}


@pytest.mark.parametrize("language", sorted(set(LANGUAGE_NAMES) - {"en"}))
@pytest.mark.parametrize("code", list(RefusalCode))
def test_every_code_message_is_translated(code: RefusalCode, language: str) -> None:
    msgid = screen.refusal_text(code)
    translated = messages.catalogue(screen.DOMAIN, language).gettext(msgid)
    assert translated and translated != msgid, f"{code} has no {language} message"


@pytest.mark.parametrize("code", list(RefusalCode))
def test_every_code_message_is_in_the_english_catalogue(code: RefusalCode) -> None:
    msgid = screen.refusal_text(code)
    english = messages.po_path(screen.DOMAIN, "en")
    assert english is not None
    assert f'msgid "{msgid}"' in english.read_text(encoding="utf-8")


def test_the_screen_texts_that_carry_an_amount_are_translated_with_the_placeholder() -> None:
    for language in ("ja", "zh-Hans", "ko"):
        catalogue = messages.catalogue(screen.DOMAIN, language)
        text = catalogue.gettext(screen.SHORTFALL)
        assert "{amount}" in text and text != screen.SHORTFALL
        assert catalogue.gettext(screen.DETAILS_NEEDED) != screen.DETAILS_NEEDED


def test_the_tax_free_words_left_the_core_catalogue() -> None:
    """One catalogue per package: the core's kiosk.po no longer carries the plugin's words."""
    core = messages.catalogue("kiosk", "ja")
    for msgid in (screen.WAITING, screen.SHORTFALL, screen.RECEIPT_NOTE, "Tax-free shopping"):
        assert core.gettext(msgid) == msgid
        assert messages.catalogue(screen.DOMAIN, "ja").gettext(msgid) != msgid


@pytest.mark.parametrize(
    ("buyer", "code"),
    [
        (visitor(expiry_date=date(2026, 11, 1)), RefusalCode.PASSPORT_EXPIRED),
        (visitor(residence_status=ResidenceStatus.OTHER), RefusalCode.RESIDENT),
        (visitor(landing_date=date(2026, 5, 2)), RefusalCode.LANDED_TOO_LONG),
        (visitor(landing_date=date(2026, 11, 3)), RefusalCode.LANDING_AFTER_SALE),
        (
            visitor(
                nationality=JAPAN,
                overseas_proof=OverseasResidenceProof(
                    ProofKind.CONSULAR_CERTIFICATE, date(2025, 6, 1)
                ),
            ),
            RefusalCode.NOT_ABROAD_LONG_ENOUGH,
        ),
    ],
)
def test_each_refusal_carries_its_code(buyer, code: RefusalCode) -> None:
    with pytest.raises(NotEligible) as refused:
        check_eligibility(buyer, SALE)
    assert refused.value.code is code


def test_document_and_store_errors_carry_their_codes() -> None:
    assert CheckDigitMismatch(["document_number"]).code is RefusalCode.BAD_MRZ
    assert DocumentUnreadable("x").code is RefusalCode.UNREADABLE
    assert OldRulesNeedCounter("x").code is RefusalCode.OLD_RULES
    assert TaxFreeUnavailable("x").code is RefusalCode.NOT_ENABLED


def test_a_sale_without_a_record_says_why_by_code() -> None:
    below = RecordOutcome(OutcomeKind.BELOW_MINIMUM, "s1", day_net=3_000, minimum=5_000)
    assert below.refusal is RefusalCode.BELOW_MINIMUM
    assert (
        RecordOutcome(OutcomeKind.NO_ELIGIBLE_ITEMS, "s2").refusal is RefusalCode.NO_ELIGIBLE_ITEMS
    )
    assert RecordOutcome(OutcomeKind.RECORDED, "s3").refusal is None


def test_the_screen_picks_the_message_by_code_not_by_wording() -> None:
    assert screen.refusal_text(RefusalCode.RESIDENT) == screen.REFUSALS["resident"]
    assert screen.refusal_text(RefusalCode.LANDED_TOO_LONG) == screen.RESIDENT
    assert screen.refusal_text("a_code_from_a_newer_plugin") == screen.NOT_ELIGIBLE
