"""Render a laid-out receipt to ESC/POS bytes, with Japanese done properly.

python-escpos 3.1 encodes kanji as GB18030 and prints full-width kana as ``?``. Japanese-model
printers (Epson TM-T88 "J" models, etc.) want Shift JIS instead:

* ``ESC t 1`` selects the katakana code page (half-width kana 0xA1–0xDF),
* ``FS C 1`` selects the Shift JIS kanji code system and ``FS &`` turns kanji mode on,
* the text goes out as cp932 bytes through ``_raw`` (python-escpos's text() is bypassed).

``¥`` has no cp932 code (0x5C is a backslash in cp932, a yen sign only with the Japanese
international character set), so it is sent as full-width ``￥`` (0x818F), which prints as a
yen sign on every Japanese model. A few other Unicode look-alikes are mapped the same way
(``−`` → ``－``, ``〜`` → ``～`` …). A line that still has a character outside cp932, and every
line on a raster-only printer (``text_mode = "raster"``), is drawn with Pillow + Noto Sans CJK
and sent as a ``GS v 0`` raster image, one glyph per layout column so alignment holds.

Rendering goes into a python-escpos ``Dummy`` (no I/O), so the result is plain bytes that a
backend writes in one go and that :meth:`POSPrinter.reprint_last` can send again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from kiosk.devices.cp932 import column_width, to_cp932
from kiosk.devices.printer import MARK_BOLD, MARK_CENTER, MARK_DOUBLE, split_markers

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"
INIT = ESC + b"@"
KATAKANA_PAGE = ESC + b"t\x01"
SHIFT_JIS = FS + b"C\x01"
KANJI_ON = FS + b"&"
KANJI_OFF = FS + b"."
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
# ESC ! sets single-byte sizes, FS ! the kanji sizes: 0x30 / 0x0C = double width and height.
DOUBLE_ON = ESC + b"!\x30" + FS + b"!\x0c"
DOUBLE_OFF = ESC + b"!\x00" + FS + b"!\x00"
CENTER_ON, ALIGN_LEFT = ESC + b"a\x01", ESC + b"a\x00"

DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_ESCPOS_PROFILE = "TM-T88V"


@dataclass(frozen=True, slots=True)
class ReceiptStyle:
    """Printer-model settings from the hardware profile's options."""

    #: "kanji" (cp932 + FS C 1, raster for the rest), "raster" (all text as images)
    text_mode: str = "kanji"
    columns: int = 42  # layout width in half-width columns (cp932 bytes)
    paper_width_px: int = 512  # printable dots (TM-T88: 512 at 80 mm, font A 12×24 → 42 cols)
    escpos_profile: str = DEFAULT_ESCPOS_PROFILE  # python-escpos capability profile
    font_path: str = DEFAULT_FONT
    qr_size: int = 6  # module size in dots, 1..16
    cut_mode: str = "PART"  # "PART" or "FULL"

    def __post_init__(self) -> None:
        if self.text_mode not in ("kanji", "raster"):
            raise ValueError(f"text_mode must be 'kanji' or 'raster', not {self.text_mode!r}")
        if self.cut_mode.upper() not in ("PART", "FULL"):
            raise ValueError(f"cut_mode must be 'PART' or 'FULL', not {self.cut_mode!r}")
        if not 1 <= self.qr_size <= 16:
            raise ValueError("qr_size must be between 1 and 16")
        if self.columns < 8 or self.paper_width_px < self.columns * 4:
            raise ValueError("columns / paper_width_px do not make a sensible receipt width")


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if not Path(path).exists():
        raise FileNotFoundError(
            f"receipt font {path} is missing: install fonts-noto-cjk or set font_path"
        )
    return ImageFont.truetype(path, size, index=0)


def rasterize(lines: list[str], style: ReceiptStyle) -> Image.Image:
    """Draw laid-out lines (markers allowed) as a 1-bit image, one glyph per layout column."""
    col = style.paper_width_px // style.columns
    heights = []
    for line in lines:
        marks, _ = split_markers(line)
        heights.append(col * 2 * (2 if MARK_DOUBLE in marks else 1) + 6)
    image = Image.new("1", (style.paper_width_px, max(sum(heights), 1)), 1)
    draw = ImageDraw.Draw(image)
    y = 0
    for line, height in zip(lines, heights, strict=True):
        marks, text = split_markers(line)
        scale = 2 if MARK_DOUBLE in marks else 1
        font = _font(style.font_path, col * 2 * scale)
        cells = [(ch, column_width(ch) * col * scale) for ch in text]
        x = (style.paper_width_px - sum(w for _, w in cells)) // 2 if MARK_CENTER in marks else 0
        for ch, width in cells:
            draw.text((x, y + 2), ch, font=font, fill=0)
            if MARK_BOLD in marks or MARK_DOUBLE in marks:
                draw.text((x + 1, y + 2), ch, font=font, fill=0)
            x += width
        y += height
    return image


class ReceiptRenderer:
    """Builds the byte stream for one receipt; pure (no printer I/O)."""

    def __init__(self, style: ReceiptStyle | None = None) -> None:
        self.style = style or ReceiptStyle()

    def _new_dummy(self) -> Dummy:
        return Dummy(profile=self.style.escpos_profile)

    def render(self, lines: list[str], qr: str | None = None, cut: bool = True) -> bytes:
        out = self._new_dummy()
        out._raw(INIT)
        if self.style.text_mode == "kanji":
            out._raw(KATAKANA_PAGE + SHIFT_JIS + KANJI_ON)
            pending: list[str] = []
            for line in lines:
                encoded = to_cp932(split_markers(line)[1])
                if encoded is None:
                    pending.append(line)
                    continue
                self._flush_raster(out, pending)
                self._text_line(out, line, encoded)
            self._flush_raster(out, pending)
        else:
            self._flush_raster(out, list(lines))
        if qr:
            out._raw(CENTER_ON)
            out.qr(qr, size=self.style.qr_size, native=True)
            out._raw(LF + ALIGN_LEFT)
        if cut:
            out.cut(mode=self.style.cut_mode.upper())
        return out.output

    @staticmethod
    def _text_line(out: Dummy, line: str, encoded: bytes) -> None:
        marks, _ = split_markers(line)
        on = off = b""
        if MARK_CENTER in marks:
            on, off = on + CENTER_ON, ALIGN_LEFT + off
        if MARK_BOLD in marks:
            on, off = on + BOLD_ON, BOLD_OFF + off
        if MARK_DOUBLE in marks:
            on, off = on + DOUBLE_ON + BOLD_ON, BOLD_OFF + DOUBLE_OFF + off
        out._raw(on + encoded + LF + off)

    def _flush_raster(self, out: Dummy, pending: list[str]) -> None:
        if pending:
            out.image(rasterize(pending, self.style), impl="bitImageRaster")
            pending.clear()
