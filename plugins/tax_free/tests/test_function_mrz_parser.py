"""Our ICAO 9303 TD3 parser (replacing the GPL-3.0 ``mrz`` package): check digits 7-3-1,
fields, the composite check, with the ICAO specimen passport."""

from __future__ import annotations

import pytest

from plugins.tax_free.mrz_parser import (
    MrzCheckDigitError,
    MrzFormatError,
    Td3,
    bad_check_digits,
    char_value,
    check_digit,
    generate_td3,
    parse_td3,
)

from .factories import SPECIMEN_LINE1, SPECIMEN_LINE2, with_char


def test_character_values_follow_icao_9303_part_3():
    assert [char_value(c) for c in "09AZ<"] == [0, 9, 10, 35, 0]
    with pytest.raises(ValueError):
        char_value("a")


@pytest.mark.parametrize(
    ("data", "digit"),
    [
        ("L898902C3", "6"),  # the specimen's document number
        ("740812", "2"),  # its birth date
        ("120415", "9"),  # its expiry date
        ("ZE184226B<<<<<", "1"),  # its personal number
        ("520727", "3"),  # ICAO 9303 Part 3's worked example: 5*7+2*3+0*1+7*7+2*3+7*1 = 103
        ("<<<<<<<<<<<<<<", "0"),
    ],
)
def test_check_digit_weights_seven_three_one(data, digit):
    assert check_digit(data) == digit


def test_the_specimen_parses_into_its_fields():
    assert parse_td3(SPECIMEN_LINE1, SPECIMEN_LINE2) == Td3(
        document_type="P",
        issuing_state="UTO",
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        document_number="L898902C3",
        nationality="UTO",
        birth_date="740812",
        sex="F",
        expiry_date="120415",
        personal_number="ZE184226B",
    )
    assert bad_check_digits(SPECIMEN_LINE2) == ()


def test_the_composite_check_covers_the_personal_number():
    """Changing a personal-number character and its own check digit still fails the
    composite: the composite spans characters 1-10, 14-20 and 22-43 of line 2."""
    line = with_char(SPECIMEN_LINE2, 28, "X")
    line = with_char(line, 42, check_digit(line[28:42]))
    with pytest.raises(MrzCheckDigitError) as caught:
        parse_td3(SPECIMEN_LINE1, line)
    assert caught.value.fields == ("composite",)


def test_every_failing_check_digit_is_named():
    line = with_char(with_char(SPECIMEN_LINE2, 9, "0"), 19, "0")
    with pytest.raises(MrzCheckDigitError) as caught:
        parse_td3(SPECIMEN_LINE1, line)
    assert caught.value.fields == ("document number", "date of birth", "composite")


def test_an_empty_personal_number_may_have_a_filler_check_digit():
    line1, line2 = generate_td3(
        issuing_state="D",
        surname="MUSTERMANN",
        given_names="ERIKA",
        document_number="C01X00T47",
        nationality="D",
        birth_date="640812",
        sex="F",
        expiry_date="310101",
    )
    assert line2[28:43] == "<" * 15
    parsed = parse_td3(line1, line2)
    assert (parsed.issuing_state, parsed.nationality, parsed.personal_number) == ("D", "D", "")
    assert parse_td3(line1, with_char(line2, 42, "0")).surname == "MUSTERMANN"


def test_generate_reproduces_the_specimen():
    assert generate_td3(
        issuing_state="UTO",
        surname="Eriksson",
        given_names="Anna Maria",
        document_number="L898902C3",
        nationality="UTO",
        birth_date="740812",
        sex="F",
        expiry_date="120415",
        personal_number="ZE184226B",
    ) == (SPECIMEN_LINE1, SPECIMEN_LINE2)


@pytest.mark.parametrize(
    ("line1", "line2", "field"),
    [
        (SPECIMEN_LINE1[:-1], SPECIMEN_LINE2, "line 1"),
        (SPECIMEN_LINE1, SPECIMEN_LINE2.lower(), "line 2"),
        (with_char(SPECIMEN_LINE1, 0, "V"), SPECIMEN_LINE2, "document type"),
        (with_char(SPECIMEN_LINE1, 3, "1"), SPECIMEN_LINE2, "issuing state"),
    ],
)
def test_malformed_lines_and_fields_are_named(line1, line2, field):
    with pytest.raises(MrzFormatError) as caught:
        parse_td3(line1, line2)
    assert field in caught.value.fields


def test_a_wrong_sex_field_is_a_format_error():
    line1, line2 = generate_td3(
        issuing_state="UTO",
        surname="A",
        given_names="B",
        document_number="X1",
        nationality="UTO",
        birth_date="740812",
        sex="Q",
        expiry_date="300101",
    )
    with pytest.raises(MrzFormatError) as caught:
        parse_td3(line1, line2)
    assert caught.value.fields == ("sex",)
