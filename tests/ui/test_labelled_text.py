"""A label and its value on a kiosk screen take the colon of the shopper's script."""

from __future__ import annotations

import pytest

from kiosk.ui.basket_view import labelled_text


@pytest.mark.parametrize(
    ("language", "label", "shown"),
    [
        ("ja", "ブランド", "ブランド：ACME"),
        ("zh-Hans", "品牌", "品牌：ACME"),
        ("ko", "브랜드", "브랜드: ACME"),
        ("en", "Brand", "Brand: ACME"),
    ],
)
def test_a_label_takes_the_colon_of_its_language(language, label, shown):
    """GIVEN a label in each shopper language WHEN shown with its value THEN Japanese and
    Chinese take the full-width colon (before: "ブランド: ACME" on the tax-free screen)."""
    assert labelled_text(label, "ACME", language) == shown
