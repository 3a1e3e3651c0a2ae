"""Receipt layout at the printer's width: 32 (58 mm), 42 and 48 columns; QR lines; emoji."""

import dataclasses
from datetime import datetime

import pytest

from kiosk.domain.receipt import Receipt, ReceiptSection, receipt_from_document
from kiosk.domain.receipt_layout import display_width, pair, printable, wrap
from kiosk.domain.receipt_text import QR_MARK, render_receipt
from kiosk.domain.sale_reference import parse_sale_reference
from tests.domain.test_receipt import ISSUER, _sale

LONG_NAME = "北海道産ゆめぴりか使用 特選おにぎり 鮭といくらの親子 大盛り"


def _receipt(language="ja", **changes):
    sale = dataclasses.replace(
        _sale(language),
        completed_at=datetime(2026, 12, 6, 14, 5),
        sale_id="1a2b3c4d-0000-4000-8000-000000000001",
    )
    receipt = Receipt.from_sale(sale, ISSUER)
    return dataclasses.replace(receipt, **changes) if changes else receipt


def _text_lines(lines):
    return [line for line in lines if not line.startswith(QR_MARK)]


@pytest.mark.parametrize("width", [32, 42, 48])
def test_every_line_fits_and_nothing_is_cut(width):
    """GIVEN a receipt with a long name WHEN laid out at the printer's width THEN every text
    line fits (full-width = 2 columns) and the full date and name are on the paper."""
    line = dataclasses.replace(_receipt().lines[0], name=LONG_NAME)
    receipt = _receipt(lines=(line, *_receipt().lines[1:]))
    lines = render_receipt(receipt, width)
    assert all(display_width(text) <= width for text in _text_lines(lines))
    joined = "".join(text.strip() for text in lines)
    assert "2026年12月06日 14:05" in "\n".join(lines)  # never 2026年12月06 at 32
    assert LONG_NAME.replace(" ", "") in joined.replace(" ", "")
    assert "No.000042" in joined


def test_at_32_columns_the_till_and_number_move_to_their_own_line():
    lines = render_receipt(_receipt(), 32)
    at = next(i for i, text in enumerate(lines) if text.startswith("2026年12月06日"))
    assert lines[at] == "2026年12月06日 14:05"
    assert lines[at + 1].endswith("レジ K01 No.000042")
    assert display_width(lines[at + 1]) == 32  # right-aligned


def test_at_48_columns_the_rule_and_amounts_use_the_full_width():
    lines = render_receipt(_receipt(), 48)
    assert "-" * 48 in lines
    total = next(text for text in lines if text.startswith("合計"))
    assert display_width(total) == 48 and total.endswith("￥694")


def test_qr_codes_reach_the_layout_tax_free_e_receipt_and_reference():
    section = ReceiptSection("免税 TAX-FREE", ("Record 1234",), qr="TAXFREE:rec-1")
    receipt = _receipt(sections=(section,), e_receipt_url="https://bo.example/r/x?s=1")
    lines = render_receipt(receipt, 42)
    codes = [text[len(QR_MARK) :] for text in lines if text.startswith(QR_MARK)]
    assert codes[0] == "TAXFREE:rec-1"
    assert codes[1] == "https://bo.example/r/x?s=1"
    ref = parse_sale_reference(codes[2])
    assert (ref.kiosk_id, ref.receipt_no) == ("K01", 42)
    # the tax-free code follows its own section, the reference is also printed as text
    assert lines.index(QR_MARK + "TAXFREE:rec-1") > lines.index("Record 1234")
    assert codes[2] in [text.strip() for text in lines]


def test_without_the_e_receipt_choice_no_link_is_printed():
    codes = [text for text in render_receipt(_receipt(), 42) if text.startswith(QR_MARK)]
    assert len(codes) == 1 and codes[0].startswith(QR_MARK + "SR1:")


def test_emoji_become_named_placeholders_unless_the_printer_draws_them():
    assert printable("おにぎり🍙") == "おにぎり[rice ball]"
    assert printable("👍🏽ok") == "[thumbs up sign]ok"  # the skin tone modifier goes
    assert printable("①㈱髙☆♪") == "①㈱髙☆♪"  # cp932 characters are not emoji
    assert printable("🍙", keep_emoji=True) == "🍙"
    assert printable("🍙🍣", keep_emoji=lambda ch: ch == "🍙") == "🍙[sushi]"
    line = dataclasses.replace(_receipt().lines[0], name="おにぎり🍙")
    lines = render_receipt(_receipt(lines=(line,)), 42)
    assert any("おにぎり[rice ball]" in text for text in lines)
    assert not any("🍙" in text for text in lines)


def test_wrap_and_pair_by_hand():
    assert wrap("あいうえおかきくけこ", 8) == ["あいうえ", "おかきく", "けこ"]
    assert wrap("Tea with milk and honey", 10) == ["Tea with", "milk and", "honey"]
    assert pair("小計", "￥1,000", 12) == ["小計 ￥1,000"]
    assert pair("とても長い商品名", "￥1,280", 12) == ["とても長い商", "品名 ￥1,280"]


@pytest.mark.parametrize("language", ["zh-Hans", "ko"])
def test_chinese_and_korean_shoppers_get_their_labels(language):
    text = "\n".join(render_receipt(_receipt(language), 42))
    assert {"zh-Hans": "合计", "ko": "합계"}[language] in text
    assert "T5835678256246" in text


def test_receipt_rebuilt_from_the_sale_document_prints_the_same_invoice():
    sale = dataclasses.replace(
        _sale(), completed_at=datetime(2026, 12, 6, 14, 5), sale_id="1a2b3c4d-0000"
    )
    document = sale.to_document()
    for tender in document["tenders"]:
        tender["method"] = "cash"
    paper = render_receipt(Receipt.from_sale(sale, ISSUER), 42)
    rebuilt = render_receipt(receipt_from_document(document, ISSUER), 42)
    assert rebuilt == paper
