"""The sale reference on every receipt: made from a sale, read back, misreads refused."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from kiosk.domain.sale_reference import (
    InvalidSaleReference,
    parse_sale_reference,
    sale_reference,
)

SALE = SimpleNamespace(
    kiosk_id="K01",
    completed_at=datetime(2026, 12, 6, 14, 5),
    receipt_no=123,
    sale_id="1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
)


def test_reference_round_trips_and_names_the_sale():
    """GIVEN a sale WHEN its reference is made and parsed THEN kiosk, date, number and id match."""
    text = sale_reference(SALE)
    assert text.startswith("SR1:K01:20261206:123:1a2b3c4d:")
    ref = parse_sale_reference(text)
    assert (ref.kiosk_id, ref.sale_date, ref.receipt_no) == ("K01", date(2026, 12, 6), 123)
    assert ref.matches(SALE.sale_id)
    assert not ref.matches("ffffffff-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
    assert parse_sale_reference(f"  {text.lower()}\n").receipt_no == 123  # scanner noise


def test_a_misread_digit_or_foreign_code_is_refused():
    text = sale_reference(SALE)
    misread = text.replace(":123:", ":128:")
    with pytest.raises(InvalidSaleReference, match="check character"):
        parse_sale_reference(misread)
    for other in ("TAXFREE:abc", "4901234567894", "SR1:K01:2026120:1:abc:X", ""):
        with pytest.raises(InvalidSaleReference):
            parse_sale_reference(other)


def test_kiosk_ids_with_separators_survive():
    sale = SimpleNamespace(**{**vars(SALE), "kiosk_id": "店:2"})
    ref = parse_sale_reference(sale_reference(sale))
    assert ref.kiosk_id == "店:2"
