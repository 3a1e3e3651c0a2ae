"""Receipt text and QR codes drawn as 1-bit images for ``GS v 0`` raster printing.

Each character is drawn in its own cell, one layout column wide per cp932 byte (two for a
character the printer lacks, as :func:`kiosk.domain.receipt_layout.display_width` counts
it). A glyph wider or taller than its cell (some fonts' ``W`` or ``…``, an emoji bitmap) is
scaled down into the cell, so glyphs never overlap and alignment with the text lines holds.

Fonts: the CJK font for text; the emoji font (``emoji_font_path``) only for what the CJK font
lacks. A character no font has is drawn as 〓 (geta, the typesetter's mark for a missing
glyph), never as the font's empty box.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFont

from kiosk.devices.printer import MARK_BOLD, MARK_CENTER, MARK_DOUBLE, split_markers
from kiosk.domain.receipt_layout import display_width

MISSING_GLYPH = "〓"
_SURELY_MISSING = "\U0010fffd"  # a private-use code point no font maps: its .notdef glyph
_BITMAP_EMOJI_SIZE = 109  # CBDT colour-emoji fonts (Noto Color Emoji) load only at this size


@lru_cache(maxsize=16)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if not Path(path).exists():
        raise FileNotFoundError(f"receipt font {path} is missing: install it or set the path")
    try:
        return ImageFont.truetype(path, size, index=0)
    except OSError:
        # a bitmap-only emoji font refuses other sizes; its glyphs are scaled to the cell
        return ImageFont.truetype(path, _BITMAP_EMOJI_SIZE, index=0)


def _ink(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    mask = font.getmask(char)
    return bytes(mask.size) + bytes(mask)


@lru_cache(maxsize=16)
def _notdef(path: str, size: int) -> bytes:
    return _ink(load_font(path, size), _SURELY_MISSING)


@lru_cache(maxsize=4096)
def _has_glyph(path: str, size: int, char: str) -> bool:
    if char.isspace():
        return True
    return _ink(load_font(path, size), char) != _notdef(path, size)


def has_glyph(path: str, char: str) -> bool:
    """True when the font at ``path`` draws ``char`` (not its missing-glyph box)."""
    return bool(path) and Path(path).exists() and _has_glyph(path, 24, char)


class GlyphPainter:
    """Draws characters into cells with the text font, then the emoji font, then 〓."""

    def __init__(self, font_path: str, emoji_font_path: str = "") -> None:
        self.font_path, self.emoji_font_path = font_path, emoji_font_path

    def _font_for(self, char: str, size: int) -> tuple[ImageFont.FreeTypeFont, str]:
        if _has_glyph(self.font_path, size, char):
            return load_font(self.font_path, size), char
        if has_glyph(self.emoji_font_path, char):
            return load_font(self.emoji_font_path, size), char
        return load_font(self.font_path, size), MISSING_GLYPH

    def cell(self, char: str, width: int, height: int, *, bold: bool = False) -> Image.Image:
        """``char`` drawn inside a ``width`` × ``height`` cell ("L" mode, ink = 255)."""
        # receipts repeat digits, ￥ and spaces: a drawn cell is kept (images are not changed)
        return _cell(self.font_path, self.emoji_font_path, char, width, height, bold)

    def draw(self, char: str, width: int, height: int, bold: bool) -> Image.Image:
        cell = Image.new("L", (width, height), 0)
        if char.isspace():
            return cell
        font, shown = self._font_for(char, height)
        left, top, right, bottom = font.getbbox(shown)
        w, h = max(right - left, 1) + (1 if bold else 0), max(bottom - top, 1)
        glyph = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(glyph)
        draw.text((-left, -top), shown, font=font, fill=255)
        if bold:
            draw.text((-left + 1, -top), shown, font=font, fill=255)
        scale = min(1.0, width / w, height / h)
        if scale < 1.0:
            w, h = max(int(w * scale), 1), max(int(h * scale), 1)
            glyph = glyph.resize((w, h), Image.Resampling.LANCZOS)
            left = top = 0
        # keep the font's own placement where it fits (baselines line up), else clamp
        x = min(max(left, 0), width - w)
        y = min(max(top, 0), height - h)
        cell.paste(glyph, (x, y))
        return cell


@lru_cache(maxsize=2048)
def _cell(
    font_path: str, emoji_font_path: str, char: str, width: int, height: int, bold: bool
) -> Image.Image:
    return GlyphPainter(font_path, emoji_font_path).draw(char, width, height, bold)


def rasterize(
    lines: list[str], columns: int, paper_width_px: int, painter: GlyphPainter
) -> Image.Image:
    """Laid-out lines (markers allowed) as a 1-bit image, one cell per layout column."""
    col = paper_width_px // columns
    heights = []
    for line in lines:
        marks, _ = split_markers(line)
        heights.append(col * 2 * (2 if MARK_DOUBLE in marks else 1) + 6)
    image = Image.new("L", (paper_width_px, max(sum(heights), 1)), 0)
    y = 0
    for line, height in zip(lines, heights, strict=True):
        marks, text = split_markers(line)
        scale = 2 if MARK_DOUBLE in marks else 1
        bold = MARK_BOLD in marks or MARK_DOUBLE in marks
        cells = [(ch, display_width(ch) * col * scale) for ch in text]
        total = sum(w for _, w in cells)
        x = (paper_width_px - total) // 2 if MARK_CENTER in marks else 0
        for ch, width in cells:
            if x + width > paper_width_px:
                break  # the layout keeps lines within the columns; never draw off the paper
            image.paste(painter.cell(ch, width, height - 4, bold=bold), (x, y + 2))
            x += width
        y += height
    # ink 255 → black (0) in the printed 1-bit image
    return ImageChops.invert(image).point(lambda v: 255 if v >= 128 else 0).convert("1")


def qr_modules(content: str) -> int:
    """Modules per side of the QR code for ``content`` (error correction M)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(content)
    code.make(fit=True)
    return code.modules_count


def qr_dot_size(content: str, wanted: int, paper_width_px: int) -> int:
    """The module size in dots: ``wanted``, smaller if the code would not fit the paper."""
    quiet = 8  # four modules of quiet zone each side
    return max(1, min(wanted, paper_width_px // (qr_modules(content) + quiet)))


def qr_image(content: str, dot_size: int, paper_width_px: int) -> Image.Image:
    """A QR code centred on a paper-wide 1-bit image (the raster path)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=dot_size, border=4
    )
    code.add_data(content)
    code.make(fit=True)
    symbol = code.make_image().get_image().convert("1")
    page = Image.new("1", (paper_width_px, symbol.height), 1)
    page.paste(symbol, ((paper_width_px - symbol.width) // 2, 0))
    return page
