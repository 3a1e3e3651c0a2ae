"""Who may buy tax-free: statuses of residence, six months, Japanese nationals living abroad."""

from datetime import date

import pytest

from plugins.tax_free.buyer import (
    OverseasResidenceProof,
    ProofKind,
    ResidenceStatus,
    check_eligibility,
)
from plugins.tax_free.errors import MoreInformationNeeded, NotEligible
from plugins.tax_free.vjw import encode_vjw, parse_vjw

from .factories import visitor

SALE = date(2026, 11, 2)


def test_a_temporary_visitor_is_eligible():
    check_eligibility(visitor(), SALE)


def test_a_resident_status_is_not_eligible():
    with pytest.raises(NotEligible, match="resident"):
        check_eligibility(visitor(residence_status=ResidenceStatus.OTHER), SALE)


def test_six_months_after_landing_the_visitor_counts_as_resident():
    check_eligibility(visitor(landing_date=date(2026, 5, 3)), SALE)
    with pytest.raises(NotEligible, match="six months"):
        check_eligibility(visitor(landing_date=date(2026, 5, 2)), SALE)


def test_a_missing_landing_date_is_asked_for():
    with pytest.raises(MoreInformationNeeded) as caught:
        check_eligibility(visitor(landing_date=None), SALE)
    assert caught.value.field == "landing_date"


def test_a_japanese_national_needs_proof_of_living_abroad():
    japanese = visitor(nationality="JPN", residence_status=None)
    with pytest.raises(MoreInformationNeeded) as caught:
        check_eligibility(japanese, SALE)
    assert caught.value.field == "overseas_proof"


def test_a_japanese_national_abroad_two_years_with_proof_is_eligible():
    proof = OverseasResidenceProof(ProofKind.CONSULAR_CERTIFICATE, date(2024, 10, 28))
    check_eligibility(visitor(nationality="JPN", residence_status=None, overseas_proof=proof), SALE)


def test_a_japanese_national_abroad_less_than_two_years_is_not():
    proof = OverseasResidenceProof(ProofKind.MY_NUMBER_CARD, date(2024, 10, 29))
    with pytest.raises(NotEligible, match="two years"):
        check_eligibility(
            visitor(nationality="JPN", residence_status=None, overseas_proof=proof), SALE
        )


def test_a_vjw_code_round_trips_every_record_field():
    buyer = visitor(
        nationality="JPN",
        overseas_proof=OverseasResidenceProof(ProofKind.FAMILY_REGISTER_ANNEX, date(2020, 1, 5)),
    )
    assert parse_vjw(encode_vjw(buyer)) == buyer
