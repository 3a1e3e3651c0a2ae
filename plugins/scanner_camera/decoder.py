"""Read barcodes from one frame: a pure function from a numpy image to decoded codes.

The chain, tuned on the shared benchmark (``bench/barcodes.py``, see
``docs/camera-scanning.md``):

1. zxing-cpp on the whole grey frame, restricted to the retail formats.
2. A cheap barcode-like region finder (:mod:`.regions`). Only regions that no code from
   step 1 covers go further, at most ``max_regions`` of them; when step 1 found nothing, a
   QR-only zxing pass on a small copy adds the places where it saw a QR it could not read.
   That QR pass (blurred, to remove the halftone of printed codes) keeps what it reads.
   On an empty frame that is all the work done, which keeps empty frames cheap.
3. On a crop around each such region: zxing-cpp after local contrast (CLAHE), pyzbar after
   CLAHE, then both again on a 2× upscaled, sharpened crop. The first pass that reads
   something wins.

Every EAN/UPC goes through :func:`kiosk.domain.codes.normalize_gtin`, so a code with a
wrong check digit never leaves this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from kiosk.domain.codes import InvalidBarcode, normalize_gtin
from kiosk.domain.scan import Symbology
from plugins.scanner_camera.config import RETAIL_FORMATS
from plugins.scanner_camera.regions import Region, RegionFinderSettings, find_barcode_regions

Corners = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]

PRODUCT_CODES = frozenset({Symbology.EAN13, Symbology.EAN8, Symbology.UPCA, Symbology.UPCE})
GS = "\x1d"  # FNC1 as a GS1 field separator
# zxing-cpp reads DataBar well at once; on the benchmark the contrast/upscale passes only
# added DataBar misreads, so they look for the other formats.
NO_FALLBACK = frozenset({Symbology.DATABAR, Symbology.DATABAR_EXPANDED})

_ZX = zxingcpp.BarcodeFormat
_TO_ZXING = {
    Symbology.EAN13: _ZX.EAN13,
    Symbology.EAN8: _ZX.EAN8,
    Symbology.UPCA: _ZX.UPCA,
    Symbology.UPCE: _ZX.UPCE,
    Symbology.CODE128: _ZX.Code128,
    Symbology.ITF: _ZX.ITF,
    Symbology.DATABAR: _ZX.DataBar,
    Symbology.DATABAR_EXPANDED: _ZX.DataBarExpanded,
    Symbology.QR: _ZX.QRCode,
}
# pyzbar is a fallback for the linear retail codes and QR. Its DataBar reader finds
# nothing zxing-cpp misses on the benchmark and produced a misread, so it is left out.
_TO_ZBAR = {
    Symbology.EAN13: ZBarSymbol.EAN13,
    Symbology.EAN8: ZBarSymbol.EAN8,
    Symbology.UPCA: ZBarSymbol.UPCA,
    Symbology.UPCE: ZBarSymbol.UPCE,
    Symbology.CODE128: ZBarSymbol.CODE128,
    Symbology.ITF: ZBarSymbol.I25,
    Symbology.QR: ZBarSymbol.QRCODE,
}
_FROM_ZBAR = {
    "EAN13": Symbology.EAN13,
    "EAN8": Symbology.EAN8,
    "UPCA": Symbology.UPCA,
    "UPCE": Symbology.UPCE,
    "CODE128": Symbology.CODE128,
    "I25": Symbology.ITF,
    "DATABAR": Symbology.DATABAR,
    "DATABAR_EXP": Symbology.DATABAR_EXPANDED,
    "QRCODE": Symbology.QR,
}


def symbology_of_zxing(name: str) -> Symbology:
    """Map a zxing-cpp format name (``str(barcode.format)``) to our :class:`Symbology`."""
    if name.startswith("DataBar Exp"):
        return Symbology.DATABAR_EXPANDED
    if name.startswith("DataBar"):
        return Symbology.DATABAR
    if "QR" in name:
        return Symbology.QR
    return {
        "EAN-13": Symbology.EAN13,
        "EAN-8": Symbology.EAN8,
        "UPC-A": Symbology.UPCA,
        "UPC-E": Symbology.UPCE,
        "Code 128": Symbology.CODE128,
        "ITF": Symbology.ITF,
        "ITF-14": Symbology.ITF,
    }.get(name, Symbology.UNKNOWN)


@dataclass(frozen=True, slots=True)
class DecodedCode:
    """One code read from one frame.

    ``code`` is canonical: GTIN-13 for EAN-13/UPC-A/UPC-E (EAN-8 keeps its 8 digits), the
    GS1 element string for DataBar (no brackets, GS between variable-length fields), else
    the text as decoded. ``raw`` is what the decoder said; ``corners`` are frame pixels.
    """

    symbology: Symbology
    code: str
    raw: str
    corners: Corners
    engine: str  # "zxing" | "zbar"
    stage: str  # which pass read it

    @property
    def key(self) -> tuple[str, str]:
        """Identity for agreement across frames: a UPC-A read as EAN-13 is the same item."""
        group = "GTIN" if self.symbology in PRODUCT_CODES else self.symbology.value
        return group, self.code

    @property
    def box(self) -> tuple[int, int, int, int]:
        xs = [p[0] for p in self.corners]
        ys = [p[1] for p in self.corners]
        return min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    formats: tuple[Symbology, ...] = RETAIL_FORMATS
    fallback: bool = True  # steps 2 and 3
    max_regions: int = 2
    upscale_below: int = 800  # crops whose longest side is shorter get the 2× passes
    try_rotate: bool = True
    # Light-on-dark product codes are rare and looking for them costs ~40 % of an empty
    # 720p frame; the QR-only pass still tries inverted QR codes (dark-mode phone screens).
    try_invert: bool = False
    try_downscale: bool = True
    qr_blur: float = 1.0  # sigma of the blur before the QR-only pass (0: none)
    qr_binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage
    regions: RegionFinderSettings = field(default_factory=RegionFinderSettings)

    def zxing_formats(self) -> tuple[zxingcpp.BarcodeFormat, ...]:
        return tuple(_TO_ZXING[s] for s in self.formats if s in _TO_ZXING)

    def zbar_symbols(self) -> list[ZBarSymbol]:
        return [_TO_ZBAR[s] for s in self.formats if s in _TO_ZBAR]


DEFAULT_OPTIONS = DecodeOptions()
QR_PASS_SIZE = 640  # longest side of the QR-only pass's copy


def canonical_code(symbology: Symbology, text: str) -> str | None:
    """The canonical form of a decoded payload, or ``None`` when it is not a valid code."""
    if symbology in PRODUCT_CODES:
        try:
            gtin = normalize_gtin(text, upce=symbology is Symbology.UPCE)
        except InvalidBarcode:
            return None
        return gtin[-8:] if symbology is Symbology.EAN8 and len(text.strip()) == 8 else gtin
    if symbology in (Symbology.DATABAR, Symbology.DATABAR_EXPANDED):
        code = text.replace("(", "").replace(")", "").strip(GS)
        return code or None
    return text if text else None


def decode(image: np.ndarray, options: DecodeOptions = DEFAULT_OPTIONS) -> list[DecodedCode]:
    """Read every retail code in a BGR or grey frame; returns ``[]`` for an empty frame."""
    gray = _gray(image)
    zx_formats = options.zxing_formats()
    found = _zxing(gray, zx_formats, options, "zxing")
    if not options.fallback:
        return found
    regions = find_barcode_regions(gray, options.regions)
    if not found and Symbology.QR in options.formats:
        qr_codes, qr_regions = _qr_pass(gray, options)
        found += qr_codes
        regions += qr_regions
    centres = [(x + w / 2, y + h / 2) for x, y, w, h in (c.box for c in found)]
    todo = [r for r in regions if not any(r.contains(*c) for c in centres)]
    fallback_options = replace(
        options, formats=tuple(f for f in options.formats if f not in NO_FALLBACK)
    )
    fallback_formats = fallback_options.zxing_formats()
    for region in todo[: options.max_regions]:
        x0, y0 = region.x, region.y
        crop = gray[y0 : y0 + region.height, x0 : x0 + region.width]
        if crop.size == 0:
            continue
        for stage, scale, run in _fallback_stages(crop, fallback_options, fallback_formats):
            codes = _unambiguous(run())
            if codes:
                found += [_moved(c, x0, y0, scale, stage) for c in codes]
                break
    return _unique(found)


def _unambiguous(codes: list[DecodedCode]) -> list[DecodedCode]:
    """One region holds one product code: two different ones from a crop are a misread."""
    products = {c.code for c in codes if c.symbology in PRODUCT_CODES}
    if len(products) > 1:
        return [c for c in codes if c.symbology not in PRODUCT_CODES]
    return codes


def _fallback_stages(
    crop: np.ndarray, options: DecodeOptions, zx_formats: tuple[zxingcpp.BarcodeFormat, ...]
) -> list[tuple[str, float, Callable[[], list[DecodedCode]]]]:
    """(stage name, scale of the image it reads, reader), cheapest first, built lazily."""
    cache: dict[str, np.ndarray] = {}

    def contrast() -> np.ndarray:
        if "c" not in cache:
            cache["c"] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(crop)
        return cache["c"]

    def upscaled() -> np.ndarray:
        if "u" not in cache:
            big = cv2.resize(contrast(), None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
            blur = cv2.GaussianBlur(big, (0, 0), 2)
            cache["u"] = cv2.addWeighted(big, 1.8, blur, -0.8, 0)  # unsharp mask
        return cache["u"]

    symbols = options.zbar_symbols()
    stages: list[tuple[str, float, Callable[[], list[DecodedCode]]]] = [
        ("zxing+clahe", 1.0, lambda: _zxing(contrast(), zx_formats, options, "zxing+clahe")),
        ("zbar+clahe", 1.0, lambda: _zbar(contrast(), symbols, "zbar+clahe")),
    ]
    if max(crop.shape[:2]) < options.upscale_below:
        stages += [
            ("zxing+2x", 2.0, lambda: _zxing(upscaled(), zx_formats, options, "zxing+2x")),
            ("zbar+2x", 2.0, lambda: _zbar(upscaled(), symbols, "zbar+2x")),
        ]
    return [s for s in stages if s[0].startswith("zxing") or symbols]


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.ascontiguousarray(image)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _zxing(
    gray: np.ndarray,
    formats: tuple[zxingcpp.BarcodeFormat, ...],
    options: DecodeOptions,
    stage: str,
) -> list[DecodedCode]:
    if not formats:
        return []
    results = zxingcpp.read_barcodes(
        np.ascontiguousarray(gray),
        formats=formats,
        try_rotate=options.try_rotate,
        try_invert=options.try_invert,
        try_downscale=options.try_downscale,
        text_mode=zxingcpp.TextMode.Plain,
    )
    out = []
    for result in results:
        symbology = symbology_of_zxing(str(result.format))
        code = canonical_code(symbology, result.text)
        # zxing may call a UPC-A "EAN-13" (or the reverse): all product codes count as one
        wanted = symbology in options.formats or symbology in PRODUCT_CODES
        if code is None or not wanted:
            continue
        p = result.position
        corners: Corners = (
            (int(p.top_left.x), int(p.top_left.y)),
            (int(p.top_right.x), int(p.top_right.y)),
            (int(p.bottom_right.x), int(p.bottom_right.y)),
            (int(p.bottom_left.x), int(p.bottom_left.y)),
        )
        out.append(DecodedCode(symbology, code, result.text, corners, "zxing", stage))
    return out


def _zbar(gray: np.ndarray, symbols: Sequence[ZBarSymbol], stage: str) -> list[DecodedCode]:
    out = []
    for result in pyzbar.decode(np.ascontiguousarray(gray), symbols=list(symbols)):
        symbology = _FROM_ZBAR.get(result.type, Symbology.UNKNOWN)
        try:
            text = result.data.decode("utf-8")
        except UnicodeDecodeError:
            text = result.data.decode("latin-1")
        code = canonical_code(symbology, text)
        if code is None:
            continue
        r = result.rect
        right, bottom = r.left + r.width, r.top + r.height
        corners: Corners = ((r.left, r.top), (right, r.top), (right, bottom), (r.left, bottom))
        out.append(DecodedCode(symbology, code, text, corners, "zbar", stage))
    return out


def _qr_pass(gray: np.ndarray, options: DecodeOptions) -> tuple[list[DecodedCode], list[Region]]:
    """A QR-only zxing-cpp pass on a small, slightly blurred copy of a frame nothing was read in.

    The blur removes the halftone screen of printed QR codes; the global-histogram
    binariser suits the even lighting of a screen or a flat print. Codes read here are
    returned; places where zxing saw a QR symbol it could not read (checksum errors) become
    regions for the fallback passes.
    """
    scale = min(1.0, QR_PASS_SIZE / max(gray.shape[:2]))
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1.0
        else gray
    )
    if options.qr_blur:
        small = cv2.GaussianBlur(small, (0, 0), options.qr_blur)
    height, width = gray.shape[:2]
    codes: list[DecodedCode] = []
    regions: list[Region] = []
    for result in zxingcpp.read_barcodes(
        np.ascontiguousarray(small),
        formats=(_ZX.QRCode,),
        binarizer=options.qr_binarizer,
        text_mode=zxingcpp.TextMode.Plain,
        return_errors=True,
    ):
        p = result.position
        xs = [q.x / scale for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        ys = [q.y / scale for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        if result.valid and result.text:
            a, b, c, d = ((int(x), int(y)) for x, y in zip(xs, ys, strict=True))
            codes.append(DecodedCode(Symbology.QR, result.text, result.text, (a, b, c, d),
                                     "zxing", "zxing-qr"))  # fmt: skip
            continue
        grow = 0.25 * max(max(xs) - min(xs), max(ys) - min(ys)) + 8
        x0, y0 = max(0, int(min(xs) - grow)), max(0, int(min(ys) - grow))
        x1, y1 = min(width, int(max(xs) + grow)), min(height, int(max(ys) + grow))
        if x1 > x0 and y1 > y0:
            regions.append(Region(x0, y0, x1 - x0, y1 - y0, score=0))
    return codes, regions


def _moved(code: DecodedCode, x0: int, y0: int, scale: float, stage: str) -> DecodedCode:
    a, b, c, d = ((int(x / scale) + x0, int(y / scale) + y0) for x, y in code.corners)
    return DecodedCode(code.symbology, code.code, code.raw, (a, b, c, d), code.engine, stage)


def _unique(codes: list[DecodedCode]) -> list[DecodedCode]:
    seen: set[tuple[str, str]] = set()
    out = []
    for code in codes:
        if code.key not in seen:
            seen.add(code.key)
            out.append(code)
    return out
