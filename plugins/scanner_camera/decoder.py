"""Read barcodes from one frame: a pure function from a numpy image to decoded codes.

The chain (chosen by 5-fold cross-validation on the shared benchmark, ``bench/barcodes.py``;
see ``docs/camera-scanning.md``):

1. zxing-cpp on the whole grey frame, restricted to the retail formats. Its reads are
   accepted as they are (this is what raw zxing-cpp does).
2. A cheap barcode-like region finder (:mod:`.regions`). Only regions that no code from
   step 1 covers go further, at most ``max_regions`` of them; when step 1 found nothing, a
   QR-only zxing pass on a small, blurred copy reads what it can and adds the places where
   it saw a QR it could not read. On an empty frame that is all the work done, which keeps
   empty frames cheap.
3. The fallback passes (``DecodeOptions.passes``: an engine on a contrast-enhanced, raw,
   upscaled or re-drawn (:mod:`.bars`) crop, or on the region grown, ``@wide``; the
   ``fit`` engine fits blurred EAN/UPC digit patterns to the bar profile, :mod:`.ean_fit`)
   on each such region. **A fallback read is confirmed only when a second,
   different pass over the same frame reads the same code** (the QR-only pass counts as
   one); a region stops at its first confirmed code. Unconfirmed fallback reads come back
   with ``confirmed=False``: the live pipeline accepts them only when later frames read
   the same code (:mod:`.agreement`).
4. When nothing was accepted: the stacked-DataBar step (:mod:`.databar`), then the defocus
   step (:mod:`.defocus`, round 8: the fit engine on boxes grown across their bars, at the
   finder's patch angle, over the default and a coarse finder's regions; two passes confirm).

The live pipeline may hand :func:`decode` a ``should_stop`` callable: it is asked before each
fallback pass and before the stacked-DataBar step, and once it says yes the frame's
remaining fallback work is skipped (a newer frame is waiting, :mod:`.budget`). The first
pass, the region finder and the QR-only pass always run; what was read so far comes back
under the same confirmation rule. Without it (the benchmark, tests) every pass runs.

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
from plugins.scanner_camera.bars import across_angle, profiles, redrawn
from plugins.scanner_camera.config import RETAIL_FORMATS
from plugins.scanner_camera.databar import (
    DATABAR_FORMATS,
    STACKED_PASSES,
    UPRIGHT,
    stacked_regions,
    upright_crop,
)
from plugins.scanner_camera.deblur import UPSCALE, deconvolved
from plugins.scanner_camera.defocus import (
    DEFOCUS_MAX_ERROR,
    DEFOCUS_REGIONS,
    DefocusSettings,
    across_crop,
    bar_angle,
    defocus_regions,
    swings,
    tensor_angle,
)
from plugins.scanner_camera.ean_fit import MAX_ERROR, SHORTLIST, Stopped, read_profiles
from plugins.scanner_camera.glare import read_glare
from plugins.scanner_camera.glare import turned as glare_turned
from plugins.scanner_camera.regions import (
    Gradients,
    Region,
    RegionFinderSettings,
    find_barcode_regions,
    gradients,
)

Corners = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]

PRODUCT_CODES = frozenset({Symbology.EAN13, Symbology.EAN8, Symbology.UPCA, Symbology.UPCE})
GS = "\x1d"  # FNC1 as a GS1 field separator
# DataBar is left to the first pass unless ``fallback_databar``: before reads needed
# confirmation, the upscaled passes only added DataBar misreads (cross-validation decides).
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
# pyzbar is a fallback engine only (never on the whole frame: that is what keeps empty
# frames cheap).
_TO_ZBAR = {
    Symbology.EAN13: ZBarSymbol.EAN13,
    Symbology.EAN8: ZBarSymbol.EAN8,
    Symbology.UPCA: ZBarSymbol.UPCA,
    Symbology.UPCE: ZBarSymbol.UPCE,
    Symbology.CODE128: ZBarSymbol.CODE128,
    Symbology.ITF: ZBarSymbol.I25,
    Symbology.QR: ZBarSymbol.QRCODE,
    # only asked for with fallback_databar (a second engine to confirm zxing's DataBar)
    Symbology.DATABAR: ZBarSymbol.DATABAR,
    Symbology.DATABAR_EXPANDED: ZBarSymbol.DATABAR_EXP,
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
    engine: str  # "zxing" | "zbar" | "fit" (:mod:`.ean_fit`)
    stage: str  # which pass read it ("a+b&c+d" when fallback passes c+d and a+b agreed)
    # False: a fallback read no second pass of this frame confirmed; it needs another frame
    confirmed: bool = True

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
    # Fallback passes in the order they run (names: see run_region_pass), and what confirms
    # a fallback read in one frame. Chosen by 5-fold cross-validation, bench/barcodes.py.
    passes: tuple[str, ...] = (
        "zbar+clahe", "zbar+raw", "zxing+2x", "zxing+bars", "zbar+bars", "zbar+2x@wide",
        "fit+bars5", "fit+bars5@wide",
    )  # fmt: skip
    confirm_passes: int = 2
    confirm_engines: int = 1
    fallback_databar: bool = True  # round 5: its 'misreads' were mislabelled photos
    # round 7: when nothing was accepted, a finer region finder for stacked/small DataBar,
    # read with DataBar-only passes (:mod:`.databar`)
    stacked_databar: bool = True
    # round 8: when still nothing was accepted, the fit engine on boxes grown across their
    # bars with a bar angle label edges do not steer, plus a coarser finder's regions
    # (:mod:`.defocus`)
    defocus_step: bool = True
    # its settings (round 9: options, so the benchmark can choose them per fold)
    defocus: DefocusSettings = field(default_factory=DefocusSettings)

    def zxing_formats(self) -> tuple[zxingcpp.BarcodeFormat, ...]:
        return tuple(_TO_ZXING[s] for s in self.formats if s in _TO_ZXING)


DEFAULT_OPTIONS = DecodeOptions()
ALL_PASSES = (
    "zxing+raw", "zxing+gh", "zxing+clahe", "zxing+blur", "zxing+2x", "zxing+3x",
    "zbar+raw", "zbar+clahe", "zbar+blur", "zbar+2x", "zbar+3x", "zxing+bars", "zbar+bars",
    "zxing+clahe@wide", "zbar+clahe@wide", "zxing+2x@wide", "zbar+2x@wide",
    "zxing+lclahe", "zbar+lclahe", "zxing+1.5x", "zbar+1.5x", "zxing+2x~fixed",
    "zxing+rl1.5", "zbar+rl1.5", "zxing+rl3", "zbar+rl3", "fit+bars", "fit+bars@wide",
    "fit+bars5", "fit+bars5@wide",
)  # fmt: skip
DEBLUR = {"rl1.5": 1.5, "rl3": 3.0}  # rl passes: disc radius (crop pixels) they deconvolve
WIDE = 0.5  # how far an @wide pass grows its region on each side, as a share of its size
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


def decode(
    image: np.ndarray,
    options: DecodeOptions = DEFAULT_OPTIONS,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> list[DecodedCode]:
    """Read every retail code in a BGR or grey frame; returns ``[]`` for an empty frame.

    Reads of the first pass and fallback reads confirmed by a second pass come back with
    ``confirmed=True``; fallback reads only one pass made come back with ``confirmed=False``
    (the live pipeline needs them in more than one frame, see :mod:`.agreement`).
    ``should_stop`` (live pipeline only): asked before every fallback pass and before the
    stacked-DataBar step; once true, the rest of the fallback work is skipped. ``None``
    runs every pass.
    """
    gray = _gray(image)
    found = _zxing(gray, options.zxing_formats(), options, "zxing")
    if not options.fallback:
        return found
    grads = gradients(gray, options.regions.work_size)
    regions = find_barcode_regions(gray, options.regions, grads)
    qr_codes: list[DecodedCode] = []
    if not found and Symbology.QR in options.formats:
        qr_codes, qr_regions = _qr_pass(gray, options, grads)
        regions += qr_regions
    crops = fallback_crops(gray, found, regions, options)
    runners = [
        {name: _region_runner(gray, crop, name, options, should_stop) for name in options.passes}
        for crop in crops
    ]
    out = confirm_fallback(
        found, qr_codes, len(crops), options, lambda i, n: runners[i][n](), should_stop
    )
    db = stacked_options(options)
    if db is not None and not any(c.confirmed for c in out) and not (should_stop and should_stop()):
        more = fallback_crops(gray, [], stacked_regions(gray, regions, grads=grads), db)
        db_runners = [
            {name: _region_runner(gray, crop, name, db, should_stop) for name in db.passes}
            for crop in more
        ]
        stacked = confirm_fallback(
            [], [], len(more), db, lambda i, n: db_runners[i][n](), should_stop
        )
        out = with_stacked(out, stacked)
    return with_defocus(gray, out, regions, found, grads, options, should_stop)


def defocus_options(options: DecodeOptions) -> DecodeOptions | None:
    """The options the defocus step reads with (EAN-13/UPC-A by the fit engine only), or
    ``None`` when the step is off or neither format is wanted."""
    formats = tuple(f for f in options.formats if f in (Symbology.EAN13, Symbology.UPCA))
    if not (options.defocus_step and formats):
        return None
    passes = options.defocus.passes
    return replace(options, formats=formats, passes=passes, max_regions=DEFOCUS_REGIONS)


def defocus_step_regions(
    gray: np.ndarray,
    regions: list[Region],
    found: list[DecodedCode],
    grads: Gradients | None,
    coarse: bool = True,
) -> list[Region]:
    """The regions the defocus step reads: the default finder's, then the coarse finder's
    (:func:`.defocus.defocus_regions`), at most ``DEFOCUS_REGIONS`` and at least one of the
    coarse finder's when it has one (whatever ``max_regions`` says: the benchmark caches
    this step once for every configuration). ``coarse=False``: the default finder's only."""
    if not coarse:
        todo = _untried(found, regions)
    else:
        more = defocus_regions(gray, regions, grads)
        todo = _untried(found, regions)[: DEFOCUS_REGIONS - 1] + _untried(found, more)
    return [r for r in todo if r.width > 0 and r.height > 0][:DEFOCUS_REGIONS]


def defocus_pass(
    gray: np.ndarray,
    region: Region,
    name: str,
    options: DecodeOptions,
    should_stop: Callable[[], bool] | None = None,
    angles: dict[Region | tuple[Region, str], float | None] | None = None,
) -> list[DecodedCode]:
    """One ``…@across`` pass (:mod:`.defocus`) over one region, in frame pixels: the region
    grown across its bars, read with the bar angle found from the region's own patch.
    ``angles``: per region, the box's gate and bar angle from an earlier pass over it (both
    passes grow the same box at the same angle; ``None``: the box failed the gate)."""
    base = name.partition("@")[0]
    crop_at = (region.x, region.y, gray[region.y : region.bottom, region.x : region.right])
    if base == "fit+glare":  # round 9: gated by its own test (a turned strip), not swings:
        # a glare band that turns the bars' contrast flattens the plain profile (:mod:`.glare`)
        start = region.angle if region.angle is not None else tensor_angle(crop_at[2])
        key = (region, "glare")  # the box's gate, once for both grown crops
        if angles is not None and key in angles:
            gate = angles[key] is not None
        else:
            gate = glare_turned(crop_at[2], start)
            if angles is not None:
                angles[key] = start if gate else None
        if not gate:
            return []
        grow = options.defocus.grow_of(name)
        x0, y0, crop, theta = across_crop(gray, crop_at, grow, theta=start)
        read = run_region_pass(crop, base, options, should_stop=should_stop, theta=theta)
        return [_moved(c, x0, y0, s, name) for c, s in read]
    if angles is not None and region in angles:
        box_theta = angles[region]
    else:
        box_theta = _box_angle(crop_at[2], region.angle, options.defocus.min_swings)
        if angles is not None:
            angles[region] = box_theta
    if box_theta is None:
        return []
    settings = options.defocus
    x0, y0, crop, theta = across_crop(
        gray, crop_at, settings.grow_of(name), region.angle, theta=box_theta
    )
    if crop.size == 0 or swings(crop, theta) < settings.min_swings:
        return []
    read = run_region_pass(
        crop, base, options, should_stop=should_stop, theta=theta,
        max_sigma=settings.max_sigma, max_error=settings.max_error,
    )  # fmt: skip
    return [_moved(c, x0, y0, s, name) for c, s in read]


def _box_angle(box: np.ndarray, patch_angle: float | None, min_swings: int) -> float | None:
    """The bar angle of a defocus region's box (:func:`.defocus.bar_angle` from the patch's
    angle), or ``None`` when the box fails the swings gate at the patch's angle (one
    projection: most regions on clutter stop here; the grown crop is gated again)."""
    if patch_angle is not None and swings(box, patch_angle) < min_swings:
        return None
    return bar_angle(box, patch_angle)


def with_defocus(
    gray: np.ndarray,
    out: list[DecodedCode],
    regions: list[Region],
    found: list[DecodedCode],
    grads: Gradients | None,
    options: DecodeOptions,
    should_stop: Callable[[], bool] | None,
) -> list[DecodedCode]:
    """Round 8's last step (:mod:`.defocus`), run only when nothing was accepted: its reads
    (stage ``defocus:…``) added like the stacked step's."""
    df = defocus_options(options)
    if df is None or any(c.confirmed for c in out) or (should_stop and should_stop()):
        return out
    todo = defocus_step_regions(gray, regions, found, grads, options.defocus.coarse)
    angles: dict[Region | tuple[Region, str], float | None] = {}

    def run(i: int, name: str) -> list[DecodedCode]:
        return defocus_pass(gray, todo[i], name, df, should_stop, angles)

    more = confirm_fallback([], [], len(todo), df, run, should_stop)
    return with_stacked(out, more, "defocus")


def stacked_options(options: DecodeOptions) -> DecodeOptions | None:
    """The options the stacked-DataBar regions are read with (DataBar formats and passes
    only), or ``None`` when that step is off or no DataBar format is wanted."""
    formats = tuple(f for f in options.formats if f in DATABAR_FORMATS)
    if not (options.stacked_databar and formats):
        return None
    return replace(options, formats=formats, passes=STACKED_PASSES, fallback_databar=True)


def with_stacked(
    out: list[DecodedCode], stacked: list[DecodedCode], step: str = "stacked"
) -> list[DecodedCode]:
    """Reads of a last step (stage ``stacked:…`` or ``defocus:…``) added to the frame's; a
    confirmed one replaces an unconfirmed read of the same code."""
    sure = {c.key for c in stacked if c.confirmed}
    marked = [replace(c, stage=f"{step}:{c.stage}") for c in stacked]
    return _unique([c for c in out if c.key not in sure] + marked)


def fallback_crops(
    gray: np.ndarray,
    found: list[DecodedCode],
    regions: list[Region],
    options: DecodeOptions,
) -> list[tuple[int, int, np.ndarray]]:
    """(x0, y0, crop) for the first ``max_regions`` regions no first-pass read sits in."""
    out = []
    for region in _untried(found, regions)[: options.max_regions]:
        crop = gray[region.y : region.y + region.height, region.x : region.x + region.width]
        if crop.size:
            out.append((region.x, region.y, crop))
    return out


def _untried(found: list[DecodedCode], regions: list[Region]) -> list[Region]:
    """The regions no first-pass read sits in."""
    centres = [(x + w / 2, y + h / 2) for x, y, w, h in (c.box for c in found)]
    return [r for r in regions if not any(r.contains(*c) for c in centres)]


def confirm_fallback(
    found: list[DecodedCode],
    qr_codes: list[DecodedCode],
    n_regions: int,
    options: DecodeOptions,
    run: Callable[[int, str], list[DecodedCode]],
    should_stop: Callable[[], bool] | None = None,
) -> list[DecodedCode]:
    """Combine first-pass reads with fallback reads, marking which fallback reads are confirmed.

    ``run(region, pass_name)`` reads one region with one fallback pass (the benchmark hands
    in cached results, so what it scores is this very function). A fallback code is
    confirmed when ``options.confirm_passes`` different passes read it in this frame (with
    ``options.confirm_engines`` different engines among them); a region stops being read
    once it yields a confirmed code. The QR-only pass counts as one zxing pass.
    ``should_stop`` is asked before every pass (and within the long ``fit`` passes, which
    then raise :class:`~.ean_fit.Stopped` and read nothing); once true no further pass runs,
    and the reads so far are judged by the same rule (an abandoned frame confirms nothing
    more).
    """
    passes_of: dict[tuple[str, str], set[str]] = {}
    first: dict[tuple[str, str], DecodedCode] = {}

    def note(code: DecodedCode, pass_name: str) -> None:
        passes_of.setdefault(code.key, set()).add(pass_name)
        first.setdefault(code.key, code)

    def confirmed(key: tuple[str, str]) -> bool:
        names = passes_of.get(key, set())
        engines = {n.split("+")[0].split("-")[0] for n in names}
        return len(names) >= options.confirm_passes and len(engines) >= options.confirm_engines

    for code in qr_codes:
        note(code, "zxing-qr")
    stopped = False
    for index in range(n_regions):
        for name in options.passes:
            stopped = should_stop is not None and should_stop()
            if stopped:
                break
            try:
                codes = _unambiguous(run(index, name))
            except Stopped:
                stopped = True
                break
            for code in codes:
                note(code, name)
            if any(confirmed(c.key) for c in codes):
                break
        if stopped:
            break
    primary = {c.key for c in found}
    out = list(found)
    for key, code in first.items():
        if key in primary:
            continue
        ok = confirmed(key)
        stage = "&".join(sorted(passes_of[key])) if ok else code.stage
        out.append(replace(code, stage=stage, confirmed=ok))
    return _unique(out)


def _unambiguous(codes: list[DecodedCode]) -> list[DecodedCode]:
    """One region holds one product code: two different ones from a crop are a misread."""
    products = {c.code for c in codes if c.symbology in PRODUCT_CODES}
    if len(products) > 1:
        return [c for c in codes if c.symbology not in PRODUCT_CODES]
    return codes


def _region_runner(
    gray: np.ndarray,
    crop_at: tuple[int, int, np.ndarray],
    name: str,
    options: DecodeOptions,
    should_stop: Callable[[], bool] | None,
) -> Callable[[], list[DecodedCode]]:
    return lambda: region_pass(gray, crop_at, name, options, should_stop=should_stop)


def region_pass(
    gray: np.ndarray,
    crop_at: tuple[int, int, np.ndarray],
    name: str,
    options: DecodeOptions,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> list[DecodedCode]:
    """One named fallback pass over one region, in frame pixels.

    A name ending in ``@wide`` runs the pass on the region grown by ``WIDE`` of its size on
    every side (clipped to the frame): a second, coarser region proposal, for regions the
    finder cut too tightly (a short crop across a can, guards or digits left outside).
    """
    x0, y0, crop = crop_at
    base = name.removesuffix("@wide")
    if base != name:
        h, w = crop.shape[:2]
        fh, fw = gray.shape[:2]
        gx, gy = int(WIDE * w), int(WIDE * h)
        x1, y1 = min(fw, x0 + w + gx), min(fh, y0 + h + gy)
        x0, y0 = max(0, x0 - gx), max(0, y0 - gy)
        crop = gray[y0:y1, x0:x1]
    read = run_region_pass(crop, base, options, should_stop=should_stop)
    return [_moved(c, x0, y0, s, name) for c, s in read]


def run_region_pass(
    crop: np.ndarray,
    name: str,
    options: DecodeOptions,
    *,
    should_stop: Callable[[], bool] | None = None,
    theta: float | None = None,
    max_sigma: float | None = None,
    max_error: float | None = None,
) -> list[tuple[DecodedCode, float]]:
    """Read a grey crop with one named fallback pass; (code in crop pixels, scale) pairs.

    Names are ``engine+preprocessing``: engines ``zxing`` and ``zbar``; preprocessing
    ``raw``, ``clahe`` (local contrast), ``lclahe`` (stronger, more local contrast: clip
    4 on 4×4 tiles, for glare and uneven light across a region), ``blur`` (σ=1, against
    halftone and noise), ``1.5x`` (CLAHE, 1.5× Lanczos upscale and a light unsharp mask),
    ``2x`` (CLAHE, 2× cubic upscale and unsharp mask), ``3x`` (3× cubic upscale and a
    stronger, wider unsharp mask, for small defocused codes) — the upscales only for crops
    shorter than ``upscale_below`` —, for zxing only, ``gh`` (the global-histogram
    binariser), a ``~fixed`` suffix (zxing's fixed-threshold binariser on that preparation),
    ``bars`` (EAN/UPC only: the bar profile averaged along the bars and re-drawn upright
    at three thresholds, :mod:`.bars`), and ``rl1.5``/``rl3`` (2× upscale and
    Richardson–Lucy deconvolution of a defocus disc of that radius, :mod:`.deblur`; only
    below ``upscale_below``). Engine ``fit`` (``fit+bars``) is no reader library: it fits
    blurred EAN-13/UPC-A digit patterns to the same averaged profiles as ``bars``
    (:mod:`.ean_fit`). ``@wide`` names are handled by :func:`region_pass`. ``should_stop``
    reaches the ``fit`` engine only (the other passes take a few milliseconds each), and so
    do ``theta`` (the direction across the bars, when the caller measured it) and
    ``max_sigma`` (the most blur, in modules, a fit may have; round 8, :mod:`.defocus`)
    and ``max_error`` (with ``max_sigma``: the largest RMS error a fit may have, the defocus
    step's own by default; round 9).
    """
    engine, prep = name.split("+", 1)
    prep, _, binarised = prep.partition("~")
    scale = {"1.5x": 1.5, "2x": 2.0, "3x": 3.0}.get(prep, UPSCALE if prep in DEBLUR else 1.0)
    if scale > 1 and max(crop.shape[:2]) >= options.upscale_below:
        return []
    formats = tuple(f for f in options.formats if options.fallback_databar or f not in NO_FALLBACK)
    if engine == "fit":
        return _read_fitted(crop, formats, name, prep, should_stop, theta, max_sigma, max_error)
    if prep == "bars":
        return _read_redrawn(crop, engine, formats, options, name)
    if prep in UPRIGHT:
        if UPRIGHT[prep] > 1 and max(crop.shape[:2]) >= options.upscale_below:
            return []
        image = upright_crop(crop, UPRIGHT[prep])
        h, w = crop.shape[:2]
        whole: Corners = ((0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1))
        read = run_region_pass(image, f"{engine}+raw", replace(options, try_rotate=False))
        return [(replace(c, corners=whole, stage=name), 1.0) for c, _ in read]
    image = _prepared(crop, prep)
    if engine == "zbar":
        symbols = [_TO_ZBAR[s] for s in formats if s in _TO_ZBAR]
        codes = _zbar(image, symbols, name) if symbols else []
    else:
        zx = tuple(_TO_ZXING[s] for s in formats if s in _TO_ZXING)
        binarizer = _BINARIZERS.get(binarised or prep)
        codes = _zxing(image, zx, options, name, binarizer)
    return [(c, scale) for c in codes]


def _read_redrawn(
    crop: np.ndarray,
    engine: str,
    formats: tuple[Symbology, ...],
    options: DecodeOptions,
    name: str,
) -> list[tuple[DecodedCode, float]]:
    """The ``bars`` pass: read the crop's averaged bar profiles, re-drawn upright
    (:mod:`.bars`). Only 1D product codes: a profile has no second dimension for QR, and
    DataBar Expanded may be stacked. The drawing has no pixels in common with the frame,
    so a read is placed on the whole crop."""
    wanted = tuple(f for f in formats if f in PRODUCT_CODES)
    image = redrawn(crop) if wanted else None
    if image is None:
        return []
    if engine == "zbar":
        codes = _zbar(image, [_TO_ZBAR[s] for s in wanted if s in _TO_ZBAR], name)
    else:
        upright = replace(options, try_rotate=False)
        codes = _zxing(image, tuple(_TO_ZXING[s] for s in wanted), upright, name)
    h, w = crop.shape[:2]
    whole: Corners = ((0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1))
    return [(replace(c, corners=whole), 1.0) for c in codes]


def _read_fitted(
    crop: np.ndarray,
    formats: tuple[Symbology, ...],
    name: str,
    prep: str = "bars",
    should_stop: Callable[[], bool] | None = None,
    theta: float | None = None,
    max_sigma: float | None = None,
    max_error: float | None = None,
) -> list[tuple[DecodedCode, float]]:
    """The ``fit`` engine: an EAN-13 / UPC-A read by fitting blurred digit patterns to the
    crop's averaged bar profiles (:mod:`.ean_fit`), for codes defocused until their narrow
    bars merge. Placed on the whole crop, like the ``bars`` pass. ``bars``: the full height
    and three bands side by side, the two best placements refined (round 6); ``bars5``:
    five overlapping bands, every placement refined (round 7: short, faint or tilted codes)."""
    if not {Symbology.EAN13, Symbology.UPCA} & set(formats):
        return []
    if prep == "bars5":
        bands = profiles(crop, bands=5, overlap=True, theta=theta)
        # the chain's passes refine the shortlist (round 8, all fields unchanged on the 469
        # photos); the defocus step (max_sigma set) was measured refining every placement
        shortlist = SHORTLIST if max_sigma is None else None
        # the defocus step (max_sigma set; two passes must agree) starts a refinement from
        # the finest blur's placement too and accepts a looser fit (round 9, :mod:`.defocus`)
        step = max_sigma is not None
        digits = read_profiles(
            bands, None, should_stop, shortlist, max_sigma, finest_start=step,
            max_error=(DEFOCUS_MAX_ERROR if max_error is None else max_error) if step else MAX_ERROR,
        )  # fmt: skip
    elif prep == "bars":
        digits = read_profiles(profiles(crop), should_stop=should_stop)
    elif prep == "glare":
        digits = read_glare(crop, across_angle(crop) if theta is None else theta, should_stop)
    else:
        raise ValueError(f"unknown preprocessing for the fit engine {prep!r}")
    if digits is None:
        return []
    symbology = Symbology.UPCA if digits[0] == "0" else Symbology.EAN13
    if symbology not in formats:
        symbology = Symbology.EAN13 if Symbology.EAN13 in formats else Symbology.UPCA
    raw = digits[1:] if symbology is Symbology.UPCA else digits
    code = canonical_code(symbology, raw)
    if code is None:
        return []
    h, w = crop.shape[:2]
    whole: Corners = ((0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1))
    return [(DecodedCode(symbology, code, raw, whole, "fit", name), 1.0)]


_BINARIZERS = {"gh": zxingcpp.Binarizer.GlobalHistogram, "fixed": zxingcpp.Binarizer.FixedThreshold}


def _prepared(crop: np.ndarray, prep: str) -> np.ndarray:
    if prep in ("raw", "gh"):
        return crop
    if prep in DEBLUR:
        return deconvolved(crop, DEBLUR[prep])
    if prep == "blur":
        return cv2.GaussianBlur(crop, (0, 0), 1.0)
    if prep == "3x":
        big = cv2.resize(crop, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
        return cv2.addWeighted(big, 2.5, cv2.GaussianBlur(big, (0, 0), 3), -1.5, 0)
    if prep == "lclahe":
        return cv2.createCLAHE(clipLimit=4.0, tileGridSize=(4, 4)).apply(crop)
    contrast = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(crop)
    if prep == "clahe":
        return contrast
    if prep == "1.5x":
        big = cv2.resize(contrast, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_LANCZOS4)
        return cv2.addWeighted(big, 1.8, cv2.GaussianBlur(big, (0, 0), 1.5), -0.8, 0)
    if prep == "2x":
        big = cv2.resize(contrast, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        blur = cv2.GaussianBlur(big, (0, 0), 2)
        return cv2.addWeighted(big, 1.8, blur, -0.8, 0)  # unsharp mask
    raise ValueError(f"unknown preprocessing {prep!r}")


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
    binarizer: zxingcpp.Binarizer | None = None,
) -> list[DecodedCode]:
    if not formats:
        return []
    extra = {} if binarizer is None else {"binarizer": binarizer}
    results = zxingcpp.read_barcodes(
        np.ascontiguousarray(gray),
        formats=formats,
        **extra,
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


def _qr_pass(
    gray: np.ndarray, options: DecodeOptions, grads: Gradients | None = None
) -> tuple[list[DecodedCode], list[Region]]:
    """A QR-only zxing-cpp pass on a small, slightly blurred copy of a frame nothing was read in.

    The blur removes the halftone screen of printed QR codes; the global-histogram
    binariser suits the even lighting of a screen or a flat print. Codes read here are
    returned; places where zxing saw a QR symbol it could not read (checksum errors) become
    regions for the fallback passes. ``grads``: the frame's gradients, whose scaled grey
    copy is this pass's when their work size is ``QR_PASS_SIZE`` (the same resize).
    """
    scale = min(1.0, QR_PASS_SIZE / max(gray.shape[:2]))
    if grads is not None and grads.small is not None and grads.work_size == QR_PASS_SIZE:
        small = grads.small
    elif scale < 1.0:
        small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    else:
        small = gray
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
    return replace(code, corners=(a, b, c, d), stage=stage)


def _unique(codes: list[DecodedCode]) -> list[DecodedCode]:
    seen: set[tuple[str, str]] = set()
    out = []
    for code in codes:
        if code.key not in seen:
            seen.add(code.key)
            out.append(code)
    return out
