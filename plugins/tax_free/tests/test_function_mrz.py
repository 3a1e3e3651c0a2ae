"""Passport MRZ (TD3) reading with the ICAO 9303 specimen: check digits, dates, reader streams."""

from datetime import date

import pytest

from plugins.tax_free.buyer import check_eligibility
from plugins.tax_free.errors import CheckDigitMismatch, DocumentExpired, DocumentUnreadable
from plugins.tax_free.mrz_reader import MrzLineAssembler, read_td3, td3_lines

from .factories import SPECIMEN_LINE1, SPECIMEN_LINE2, specimen_mrz, with_char

TODAY = date(2026, 11, 2)


def test_the_icao_specimen_reads_with_valid_check_digits():
    buyer = read_td3([SPECIMEN_LINE1, SPECIMEN_LINE2], TODAY)
    assert (buyer.surname, buyer.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert buyer.passport_number == "L898902C3"
    assert buyer.nationality == "UTO"
    assert buyer.birth_date == date(1974, 8, 12)
    assert buyer.expiry_date == date(2012, 4, 15)


def test_our_generator_reproduces_the_specimen_exactly():
    assert specimen_mrz() == (SPECIMEN_LINE1, SPECIMEN_LINE2)


@pytest.mark.parametrize(
    ("index", "char", "field"),
    [
        (9, "7", "document number"),  # check digit of L898902C3 is 6
        (19, "3", "date of birth"),  # check digit of 740812 is 2
        (27, "8", "expiry date"),  # check digit of 120415 is 9
        (42, "2", "personal number"),  # check digit of ZE184226B is 1
        (43, "1", "composite"),  # composite check digit is 0
    ],
)
def test_a_wrong_check_digit_is_named(index, char, field):
    """GIVEN the specimen with one check digit changed WHEN read THEN that digit is named."""
    broken = with_char(SPECIMEN_LINE2, index, char)
    with pytest.raises(CheckDigitMismatch) as caught:
        read_td3([SPECIMEN_LINE1, broken], TODAY)
    assert field in caught.value.fields
    assert "scan the passport again" in str(caught.value)


def test_a_misread_number_fails_its_check_digit_and_the_composite():
    broken = with_char(SPECIMEN_LINE2, 0, "I")  # L → I, a typical OCR confusion
    with pytest.raises(CheckDigitMismatch) as caught:
        read_td3([SPECIMEN_LINE1, broken], TODAY)
    assert set(caught.value.fields) == {"document number", "composite"}


def test_lines_of_the_wrong_length_are_unreadable():
    with pytest.raises(DocumentUnreadable, match="44 characters"):
        read_td3([SPECIMEN_LINE1[:-1], SPECIMEN_LINE2], TODAY)


def test_the_expired_specimen_is_refused_against_the_sale_date():
    """The specimen expired on 2012-04-15: eligibility refuses it with what to do."""
    buyer = read_td3([SPECIMEN_LINE1, SPECIMEN_LINE2], TODAY)
    with pytest.raises(DocumentExpired, match="valid passport"):
        check_eligibility(buyer, TODAY)


def test_a_passport_is_valid_through_its_expiry_day():
    line1, line2 = specimen_mrz(expiry="261102")
    buyer = read_td3([line1, line2], TODAY)
    assert buyer.expiry_date == TODAY
    with pytest.raises(DocumentExpired):
        check_eligibility(buyer, date(2026, 11, 3))


def test_a_reader_stream_with_cr_and_noise_gives_the_two_lines():
    """GIVEN a serial reader sending a banner, CR LF and the lines in pieces THEN one MRZ."""
    assembler = MrzLineAssembler()
    stream = [
        "READER v2\r\n",
        SPECIMEN_LINE1[:20],
        SPECIMEN_LINE1[20:] + "\r",
        "\n",
        SPECIMEN_LINE2,
        "\r\n",
    ]
    results = [assembler.feed(chunk) for chunk in stream]
    assert results[-1] == (SPECIMEN_LINE1, SPECIMEN_LINE2)
    assert all(r is None for r in results[:-1])


def test_td3_lines_finds_the_mrz_in_a_keyboard_wedge_scan():
    assert td3_lines(f"{SPECIMEN_LINE1}\r{SPECIMEN_LINE2}") == (SPECIMEN_LINE1, SPECIMEN_LINE2)
    assert td3_lines("4901234000018") is None
