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

from escpos.printer import Dummy

from kiosk.devices.cp932 import to_cp932
from kiosk.devices.drivers.escpos_raster import (
    GlyphPainter,
    has_glyph,
    qr_dot_size,
    qr_image,
    rasterize,
)
from kiosk.devices.printer import MARK_BOLD, MARK_CENTER, MARK_DOUBLE, MARK_QR, split_markers

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
    #: "jis0208": the printer's ROM has JIS X 0208 only, so NEC special characters and IBM
    #: extensions (①, ㈱, 髙) are drawn; "cp932": the printer has them (most TM-J models)
    charset: str = "jis0208"
    #: "auto" (GS ( k when the python-escpos profile lists qrCode), "native" or "raster"
    qr_mode: str = "auto"
    #: a font with emoji for the raster path; without one, emoji print as [name]
    emoji_font_path: str = ""

    def __post_init__(self) -> None:
        if self.text_mode not in ("kanji", "raster"):
            raise ValueError(f"text_mode must be 'kanji' or 'raster', not {self.text_mode!r}")
        if self.cut_mode.upper() not in ("PART", "FULL"):
            raise ValueError(f"cut_mode must be 'PART' or 'FULL', not {self.cut_mode!r}")
        if self.charset not in ("jis0208", "cp932"):
            raise ValueError(f"charset must be 'jis0208' or 'cp932', not {self.charset!r}")
        if self.qr_mode not in ("auto", "native", "raster"):
            raise ValueError(f"qr_mode must be 'auto', 'native' or 'raster', not {self.qr_mode!r}")
        if not 1 <= self.qr_size <= 16:
            raise ValueError("qr_size must be between 1 and 16")
        if self.columns < 8 or self.paper_width_px < self.columns * 4:
            raise ValueError("columns / paper_width_px do not make a sensible receipt width")


class ReceiptRenderer:
    """Builds the byte stream for one receipt; pure (no printer I/O)."""

    def __init__(self, style: ReceiptStyle | None = None) -> None:
        self.style = style or ReceiptStyle()

    def _new_dummy(self) -> Dummy:
        return Dummy(profile=self.style.escpos_profile)

    @property
    def painter(self) -> GlyphPainter:
        return GlyphPainter(self.style.font_path, self.style.emoji_font_path)

    def can_print_emoji(self, char: str) -> bool:
        """True when the raster path draws ``char`` from the emoji font (else: [name])."""
        return has_glyph(self.style.emoji_font_path, char)

    def native_qr(self) -> bool:
        """GS ( k (the printer draws the code) or a raster image of it."""
        if self.style.qr_mode != "auto":
            return self.style.qr_mode == "native"
        return bool(self._new_dummy().profile.supports("qrCode"))

    def text_bytes(self, text: str) -> bytes | None:
        """The bytes the printer's character ROM prints ``text`` from, or None → raster."""
        encoded = to_cp932(text)
        if encoded is None or self.style.charset == "cp932":
            return encoded
        # cp932 lead bytes outside JIS X 0208: 0x87 NEC special characters (①, ㈱),
        # 0xED/0xEE NEC-selected IBM extensions, 0xF0–0xFC user-defined and IBM (髙)
        i = 0
        while i < len(encoded):
            lead = encoded[i]
            if lead in (0x87, 0xED, 0xEE) or lead >= 0xF0:
                return None
            i += 2 if 0x81 <= lead <= 0x9F or 0xE0 <= lead <= 0xFC else 1
        return encoded

    def render(self, lines: list[str], qr: str | None = None, cut: bool = True) -> bytes:
        """Lines (markers allowed; ``MARK_QR`` lines are QR codes) → ESC/POS bytes.

        ``qr``: one more code after the lines (older callers; a QR line does the same).
        """
        out = self._new_dummy()
        out._raw(INIT)
        kanji = self.style.text_mode == "kanji"
        if kanji:
            out._raw(KATAKANA_PAGE + SHIFT_JIS + KANJI_ON)
        pending: list[str] = []
        for line in [*lines, *([MARK_QR + qr] if qr else [])]:
            if line.startswith(MARK_QR):
                self._flush_raster(out, pending)
                self._qr(out, line[len(MARK_QR) :])
                continue
            encoded = self.text_bytes(split_markers(line)[1]) if kanji else None
            if encoded is None:
                pending.append(line)
                continue
            self._flush_raster(out, pending)
            self._text_line(out, line, encoded)
        self._flush_raster(out, pending)
        if cut:
            out.cut(mode=self.style.cut_mode.upper())
        return out.output

    def _qr(self, out: Dummy, content: str) -> None:
        if not content:
            return
        size = qr_dot_size(content, self.style.qr_size, self.style.paper_width_px)
        if self.native_qr():
            out._raw(CENTER_ON)
            out.qr(content, size=size, native=True)
            out._raw(LF + ALIGN_LEFT)
        else:
            out.image(qr_image(content, size, self.style.paper_width_px), impl="bitImageRaster")

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
            style = self.style
            image = rasterize(pending, style.columns, style.paper_width_px, self.painter)
            out.image(image, impl="bitImageRaster")
            pending.clear()
