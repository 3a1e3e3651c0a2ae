"""QR codes on paper, the JIS X 0208 limit of a printer's ROM, and raster glyphs that never
overlap (rendered and measured pixel by pixel)."""

from __future__ import annotations

import qrcode
from PIL import Image

from kiosk.devices.drivers.escpos_raster import (
    MISSING_GLYPH,
    GlyphPainter,
    qr_dot_size,
    qr_image,
    rasterize,
)
from kiosk.devices.drivers.escpos_receipt import DEFAULT_FONT, ReceiptRenderer, ReceiptStyle
from kiosk.devices.printer import MARK_BOLD, MARK_DOUBLE, MARK_QR, POSPrinter
from kiosk.devices.sim.printer import SimulatedPrinter
from kiosk.domain.receipt_layout import display_width

from .escpos_tokens import texts, tokenize

REF = "SR1:K01:20261206:42:1a2b3c4d:N"


def _names(job: bytes) -> list[str]:
    return [t.name for t in tokenize(job)]


def test_qr_lines_print_natively_where_the_profile_has_gs_k():
    """GIVEN a TM-T20II (python-escpos profile lists qrCode) WHEN a receipt has two QR lines
    THEN each is a GS ( k symbol carrying its content, in order, between the text lines."""
    style = ReceiptStyle(escpos_profile="TM-T20II", columns=48, paper_width_px=576)
    job = ReceiptRenderer(style).render(["合計", MARK_QR + "TAXFREE:rec-1", "以上", MARK_QR + REF])
    tokens = tokenize(job)
    stored = [t.data for t in tokens if t.name == "GS ( k" and t.args == (49, 80)]
    assert stored == [b"0TAXFREE:rec-1", b"0" + REF.encode()]
    names = [t.name for t in tokens]
    assert names.index("GS ( k") > names.index("TEXT")
    assert texts(job) == ["合計", "以上"]


def test_printers_without_gs_k_get_the_code_as_a_raster_image():
    """GIVEN qr_mode raster WHEN a QR line is printed THEN no GS ( k; a GS v 0 image whose
    modules are exactly the QR matrix of the content."""
    style = ReceiptStyle(qr_mode="raster", qr_size=4)
    job = ReceiptRenderer(style).render([MARK_QR + REF])
    assert "GS ( k" not in _names(job)
    image = [t for t in tokenize(job) if t.name == "GS v 0"]
    assert len(image) == 1 and image[0].args[1] == 512 // 8
    page = qr_image(REF, 4, 512)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(REF)
    code.make(fit=True)
    matrix = code.get_matrix()
    left = (512 - len(matrix) * 4) // 2
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            pixel = page.getpixel((left + c * 4 + 2, r * 4 + 2))
            assert (pixel == 0) is dark


def test_the_qr_code_shrinks_to_fit_narrow_paper():
    long_url = "https://backoffice.example.jp/r/" + "x" * 36 + "?k=K01&x=1800000000&s=" + "y" * 22
    page = qr_image(long_url, 16, 384)  # 58 mm paper, an oversized module setting
    assert page.width == 384
    assert qr_dot_size(long_url, 16, 384) * 41 <= 384


def test_nec_and_ibm_extensions_go_to_raster_unless_the_printer_has_them():
    """GIVEN ①, ㈱, 髙 (cp932 only) WHEN the printer's ROM is JIS X 0208 (the default)
    THEN that line is a raster image; with charset = cp932 it is text bytes 0x87 0x40…"""
    lines = ["① ㈱サンプル 髙橋", "￥1,000 －5 ～"]
    jis = ReceiptRenderer(ReceiptStyle()).render(lines)
    assert texts(jis) == ["￥1,000 －5 ～"]  # ￥ － ～ are JIS X 0208: still text
    assert _names(jis).count("GS v 0") == 1
    cp932 = ReceiptRenderer(ReceiptStyle(charset="cp932")).render(lines)
    assert texts(cp932) == lines
    assert "GS v 0" not in _names(cp932)
    assert "①".encode("cp932") in cp932


def _ink_columns(image: Image.Image) -> set[int]:
    width, height = image.size
    pixels = image.load()
    return {x for x in range(width) for y in range(height) if pixels[x, y] == 0}


def test_raster_glyphs_stay_inside_their_cells():
    """GIVEN wide and awkward glyphs WHEN each is drawn at its place in a line THEN its ink
    lies inside its own cell (so neighbours never overlap), also bold and double size."""
    painter = GlyphPainter(DEFAULT_FONT)
    text = "WW…①㈱髙Ｗ@mＭ한국😀"
    for marks in ("", MARK_BOLD, MARK_DOUBLE):
        scale = 2 if marks == MARK_DOUBLE else 1
        col = 512 // 42
        for i, ch in enumerate(text):
            width = display_width(ch) * col * scale
            alone = rasterize([marks + " " * i + ch], 42, 512, painter)
            # the spaces before it take one column each, as in the layout
            start = i * col * scale
            ink = _ink_columns(alone)
            assert ink, f"{ch!r} drew nothing"
            assert min(ink) >= start and max(ink) < start + width, (ch, marks)


def test_a_character_no_font_has_is_drawn_as_geta_never_a_box():
    painter = GlyphPainter(DEFAULT_FONT)  # no emoji font configured
    missing = painter.cell("\U0001f600", 24, 26)
    geta = painter.cell(MISSING_GLYPH, 24, 26)
    assert missing.tobytes() == geta.tobytes()
    assert not ReceiptRenderer(ReceiptStyle()).can_print_emoji("\U0001f600")


def test_the_printer_reports_its_columns_for_the_layout():
    driver = SimulatedPrinter(ReceiptStyle(columns=48, paper_width_px=576))
    printer = POSPrinter(driver, name="printer")
    assert printer.columns == 48
    assert not printer.can_print_emoji("\U0001f359")
