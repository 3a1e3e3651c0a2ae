import pytest

from kiosk.domain.codes import (
    InStoreLayout,
    InStoreValue,
    InvalidBarcode,
    normalize_gtin,
    parse_instore,
    upce_to_upca,
)


def test_ean13_kept_as_is_when_check_digit_is_valid():
    assert normalize_gtin("4901234000018") == "4901234000018"


def test_ean8_and_upca_are_padded_to_gtin13():
    assert normalize_gtin("12345670") == "0000012345670"
    assert normalize_gtin("027011006951") == "0027011006951"


def test_upce_expands_to_its_upca():
    assert upce_to_upca("01234565") == "012345000065"
    assert normalize_gtin("01234565", upce=True) == "0012345000065"
    assert normalize_gtin("00123457", upce=True) == "0001234000057"


def test_eight_digits_without_a_symbology_hint_read_as_ean8():
    # 01234565 is valid both as EAN-8 and as UPC-E; only the scanner's symbology decides
    assert normalize_gtin("01234565") == "0000001234565"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("4901234000019", "check digit"),
        ("49012340000", "digits; expected"),
        ("49O1234000018", "digits only"),
        ("", "digits only"),
    ],
)
def test_malformed_codes_raise_with_a_reason(code, reason):
    with pytest.raises(InvalidBarcode, match=reason):
        normalize_gtin(code)


def test_instore_price_label_default_layout():
    decoded = parse_instore("0200201003989", (InStoreLayout(),))
    assert decoded is not None
    assert decoded.item_code == "00201"
    assert decoded.price == 398


def test_instore_weight_layout_is_configurable_per_store():
    layout = InStoreLayout(
        prefixes=("21",), item=(2, 6), value=(6, 12), value_kind=InStoreValue.WEIGHT
    )
    decoded = parse_instore("2101010003505", (layout,))
    assert decoded is not None
    assert decoded.item_code == "0101"
    assert decoded.weight_g == 350
    assert decoded.price is None


def test_ordinary_jan_is_not_an_instore_code():
    assert parse_instore("4901234000018", (InStoreLayout(),)) is None
