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


def test_an_entry_field_keeps_its_wider_gap_after_a_half_width_colon():
    assert labelled_text("Staff ID", "S001", "en", "  ") == "Staff ID:  S001"
    assert labelled_text("係員ID", "S001", "ja", "  ") == "係員ID：S001"


def test_no_kiosk_screen_builds_a_label_with_a_half_width_colon_by_hand():
    """GIVEN the kiosk's and the plugins' screens WHEN read THEN no label is joined to its
    value by a literal ": " (it showed "PLU番号:  107" on a Japanese screen): they go
    through ctl.labelled, which picks the colon for the language."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    joined = re.compile(r"""\+ ?": +"|": +" ?\+""")
    files = [*root.glob("kiosk/ui/**/*.kv"), *root.glob("kiosk/ui/**/*.py")]
    files += [*root.glob("plugins/*/ui/**/*.kv"), *root.glob("plugins/*/ui/**/*.py")]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if joined.search(line)
    ]
    assert offenders == []
