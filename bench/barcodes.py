"""Benchmark the camera scanner's decoder against raw pyzbar, zxing-cpp and cv2.barcode.

    .venv/bin/python bench/barcodes.py [--limit N] [--data DIR] [--frames N]

Part 1 reads the shared photo set (``../shared/bench/barcodes/MANIFEST.tsv`` next to the
project) and reports recall per format, false reads (a decode that matches nothing
expected) and milliseconds per image. Part 2 times synthetic 1280x720 and 640x480 frames (a
rendered EAN-13 on a cluttered, noisy background, and the same backgrounds empty) for frames
per second, side by side with pyzbar. Everything runs on one core, in one process.
Results and their reading: ``docs/camera-scanning.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:  # run as a script: make kiosk and plugins importable
    sys.path.insert(0, str(PROJECT))

from bench import barcode_cv as cv  # noqa: E402
from bench import barcode_labels as labels  # noqa: E402
from bench import variants_live as live  # noqa: E402
from kiosk.domain.codes import InvalidBarcode, normalize_gtin  # noqa: E402
from plugins.scanner_camera import decoder as dec  # noqa: E402
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, decode  # noqa: E402

# a git worktree is not next to ../shared: KIOSK_SHARED_BARCODES points at the photos then
DATA = Path(
    os.environ.get("KIOSK_SHARED_BARCODES") or PROJECT / ".." / "shared" / "bench" / "barcodes"
)
FAMILIES = ("ean13", "ean8", "upca", "upce", "code128", "itf", "databar", "databar-expanded")
FAMILIES += ("qrcode",)
PRODUCT = {"ean13", "ean8", "upca", "upce"}

Read = tuple[str, str]  # (family, text as the decoder gave it)


# --- expected values and canonical forms ---------------------------------------------------

_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")
_SIMPLE = {"\\": "\\", "r": "\r", "n": "\n", "t": "\t", "'": "'", '"': '"', "0": "\0"}


def unescape(text: str) -> str:
    """The manifest writes control characters and backslashes as Python-style escapes."""

    def one(m: re.Match[str]) -> str:
        g = m.group(1)
        if g[0] in "xu" and len(g) > 1:
            return chr(int(g[1:], 16))
        return _SIMPLE.get(g, "\\" + g)

    return _ESCAPE.sub(one, text)


def canonical(family: str, text: str) -> str | None:
    """The manifest's ``expected_norm`` form; ``None`` for a product code that is not valid."""
    if family in PRODUCT:
        try:
            gtin = normalize_gtin(text, upce=family == "upce")
        except InvalidBarcode:
            return None
        return gtin[-8:] if family == "ean8" and len(text) == 8 else gtin
    if family.startswith("databar"):
        return re.sub(r"[()\s\x1d]", "", text)
    if family == "qrcode":
        return text.replace("\r\n", "\n").rstrip()
    return text


@dataclass(frozen=True)
class Sample:
    family: str
    file: Path
    expected: str  # canonical
    listed_family: str = ""  # the manifest's format, when a label correction changed it
    # one item in one photo series (manifest split_key's folder and the listed code):
    # what --grouped folds keep together
    item: str = ""

    @property
    def stratum(self) -> str:
        """What the folds stratify by: the listed format, so corrections keep the folds."""
        return self.listed_family or self.family


def load_manifest(root: Path, limit: int | None) -> list[Sample]:
    with (root / "MANIFEST.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if limit:
        # an even spread over the formats, not the first N (which would be all Code 128)
        rows = rows[:: max(1, len(rows) // limit)][:limit]
    samples = []
    for row in rows:
        family = row["format"]
        norm = unescape(row["expected_norm"])
        expected = norm.replace("\r\n", "\n").rstrip() if family == "qrcode" else norm
        series = (row.get("split_key") or row["file"]).split("/")[0]
        samples.append(Sample(family, root / row["file"], expected, item=f"{series}:{norm}"))
    return samples


# --- the decoders under test -----------------------------------------------------------------

_PLUGIN_FAMILY = {
    "EAN13": "ean13",
    "EAN8": "ean8",
    "UPCA": "upca",
    "UPCE": "upce",
    "CODE128": "code128",
    "ITF": "itf",
    "DATABAR": "databar",
    "DATABAR_EXPANDED": "databar-expanded",
    "QR": "qrcode",
}
_ZBAR_FAMILY = {
    "EAN13": "ean13",
    "EAN8": "ean8",
    "UPCA": "upca",
    "UPCE": "upce",
    "CODE128": "code128",
    "I25": "itf",
    "DATABAR": "databar",
    "DATABAR_EXP": "databar-expanded",
    "QRCODE": "qrcode",
}
_CV_FAMILY = {"EAN_13": "ean13", "EAN_8": "ean8", "UPC_A": "upca", "UPC_E": "upce"}


def _zxing_family(name: str) -> str:
    if name.startswith("DataBar Exp"):
        return "databar-expanded"
    if name.startswith("DataBar"):
        return "databar"
    if "QR" in name:
        return "qrcode"
    return {
        "EAN-13": "ean13",
        "EAN-8": "ean8",
        "UPC-A": "upca",
        "UPC-E": "upce",
        "Code 128": "code128",
        "ITF": "itf",
    }.get(name, name)


def read_plugin(image: np.ndarray) -> list[Read]:
    """Reads the kiosk accepts from one frame (confirmed ones; see :func:`read_pending`)."""
    return [
        (_PLUGIN_FAMILY.get(c.symbology.value, "?"), c.code) for c in decode(image) if c.confirmed
    ]


def read_pending(image: np.ndarray) -> list[Read]:
    """Fallback reads no second pass confirmed: the kiosk would need a second frame."""
    return [
        (_PLUGIN_FAMILY.get(c.symbology.value, "?"), c.code)
        for c in decode(image)
        if not c.confirmed
    ]


def read_pyzbar(image: np.ndarray) -> list[Read]:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    out = []
    for r in pyzbar.decode(gray):
        try:
            text = r.data.decode("utf-8")
        except UnicodeDecodeError:
            text = r.data.decode("latin-1")
        out.append((_ZBAR_FAMILY.get(r.type, r.type), text))
    return out


def read_zxing(image: np.ndarray) -> list[Read]:
    return [(_zxing_family(str(b.format)), b.text) for b in zxingcpp.read_barcodes(image)]


def cv_barcode_reader() -> Callable[[np.ndarray], list[Read]] | None:
    if not hasattr(cv2, "barcode"):
        return None
    detector = cv2.barcode.BarcodeDetector()

    def read(image: np.ndarray) -> list[Read]:
        ok, infos, types, _ = detector.detectAndDecodeWithType(image)
        if not ok:
            return []
        return [(_CV_FAMILY.get(t, t.lower()), i) for i, t in zip(infos, types, strict=False) if i]

    return read


# --- part 1: the photo set ---------------------------------------------------------------------


@dataclass
class Score:
    name: str
    hits: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    false_reads: int = 0
    seconds: list[float] = field(default_factory=list)
    false_examples: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return sum(self.hits.values()) / max(1, sum(self.total.values()))


def score(name: str, reader: Callable[[np.ndarray], list[Read]], images: list) -> Score:
    result = Score(name)
    for sample, image in images:
        start = time.perf_counter()
        reads = reader(image)
        result.seconds.append(time.perf_counter() - start)
        result.total[sample.family] += 1
        got = {c for family, text in reads if (c := canonical(family, text)) is not None}
        if sample.expected in got:
            result.hits[sample.family] += 1
        wrong = got - {sample.expected}
        result.false_reads += len(wrong)
        result.false_examples += [f"{sample.file.name}: {w[:32]!r}" for w in sorted(wrong)]
    return result


def print_photo_table(scores: list[Score], families: list[str]) -> None:
    head = f"{'format':18s}{'n':>5s}" + "".join(f"{s.name:>14s}" for s in scores)
    print(head)
    print("-" * len(head))
    total = scores[0].total
    for fam in families:
        cells = "".join(
            f"{s.hits[fam]:>6d} {100 * s.hits[fam] / max(1, total[fam]):5.1f}%  " for s in scores
        )
        print(f"{fam:18s}{total[fam]:5d}{cells}")
    print("-" * len(head))
    n = sum(total.values())
    print(
        f"{'overall recall':18s}{n:5d}"
        + "".join(f"{sum(s.hits.values()):>6d} {100 * s.recall:5.1f}%  " for s in scores)
    )
    print(f"{'false reads':18s}{'':5s}" + "".join(f"{s.false_reads:>14d}" for s in scores))
    print(
        f"{'ms/image (mean)':18s}{'':5s}"
        + "".join(f"{1000 * statistics.fmean(s.seconds):>14.1f}" for s in scores)
    )
    print(
        f"{'ms/image (p95)':18s}{'':5s}"
        + "".join(
            f"{1000 * sorted(s.seconds)[int(0.95 * (len(s.seconds) - 1))]:>14.1f}" for s in scores
        )
    )


# --- part 2: synthetic frames ------------------------------------------------------------------


def cluttered_background(width: int, height: int, seed: int) -> np.ndarray:
    """Shelf-like clutter: boxes, lines and price text in random colours, plus sensor noise."""
    rng = np.random.default_rng(seed)
    img = np.empty((height, width, 3), np.uint8)
    img[:] = rng.integers(60, 200, 3, dtype=np.uint8)
    for _ in range(60):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            w, h = (int(v) for v in rng.integers(10, width // 6, 2))
            cv2.rectangle(img, (x, y), (x + w, y + h), colour, -1)
        elif kind == 1:
            end = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            cv2.line(img, (x, y), end, colour, int(rng.integers(1, 6)))
        else:
            size = float(rng.uniform(0.4, 1.8)) * width / 1280
            cv2.putText(img, "SALE 298 yen", (x, y), cv2.FONT_HERSHEY_SIMPLEX, size, colour, 2)
    noise = rng.normal(0, 10, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def rendered_ean13(code: str, module_px: int) -> np.ndarray:
    import barcode
    from barcode.writer import ImageWriter

    buf = io.BytesIO()
    options = {"module_width": 0.254 * module_px, "module_height": 15.0, "dpi": 100}
    options |= {"quiet_zone": 4.0, "font_size": 8, "text_distance": 3.0}
    barcode.get("ean13", code, writer=ImageWriter()).write(buf, options)
    png = np.frombuffer(buf.getvalue(), np.uint8)
    return cv2.imdecode(png, cv2.IMREAD_COLOR)


def frame_with_code(background: np.ndarray, label: np.ndarray, seed: int) -> np.ndarray:
    """Paste the label near the centre, slightly rotated, then add noise and a little blur."""
    rng = np.random.default_rng(seed)
    h, w = background.shape[:2]
    lh, lw = label.shape[:2]
    angle = float(rng.uniform(-8, 8))
    cx = w / 2 + float(rng.uniform(-w / 6, w / 6))
    cy = h / 2 + float(rng.uniform(-h / 8, h / 8))
    m = cv2.getRotationMatrix2D((lw / 2, lh / 2), angle, 1.0)
    m[:, 2] += (cx - lw / 2, cy - lh / 2)
    warped = cv2.warpAffine(label, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    mask = cv2.warpAffine(np.full((lh, lw), 255, np.uint8), m, (w, h)) > 0
    frame = background.copy()
    frame[mask] = warped[mask]
    frame = cv2.GaussianBlur(frame, (0, 0), 0.7)
    noise = rng.normal(0, 6, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def synthetic_frames(width: int, height: int, count: int) -> tuple[list, list]:
    module_px = 3 if width >= 1280 else 2
    codes = ["4901234567894", "4549131970258", "4902102072618", "4987176014795"]
    labels = [rendered_ean13(c, module_px) for c in codes]
    empty, coded = [], []
    for i in range(count):
        bg = cluttered_background(width, height, seed=1000 + i)
        empty.append(bg)
        code = codes[i % len(codes)]
        coded.append((normalize_gtin(code), frame_with_code(bg, labels[i % len(codes)], seed=i)))
    return empty, coded


def time_frames(
    readers: dict[str, Callable[[np.ndarray], list[Read]]], frames: list, repeats: int = 3
) -> dict[str, tuple[float, list]]:
    """Seconds per frame (median of per-frame minima over ``repeats``) and reads, per reader.

    The readers take turns frame by frame, so load from other jobs on a shared machine falls
    on all of them alike; the minimum of a few repeats drops the slices another job took.
    """
    for reader in readers.values():
        reader(frames[0])  # warm up
    best: dict[str, list[float]] = {name: [] for name in readers}
    reads: dict[str, list] = {name: [] for name in readers}
    for frame in frames:
        for name, reader in readers.items():
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                got = reader(frame)
                times.append(time.perf_counter() - start)
            best[name].append(min(times))
            reads[name].append(got)
    return {name: (statistics.median(best[name]), reads[name]) for name in readers}


def synthetic_part(count: int) -> None:
    print(f"\nSynthetic frames ({count} empty + {count} with an EAN-13, per size)")
    head = f"{'size':10s}{'decoder':>9s}{'empty ms':>10s}{'code ms':>9s}{'read':>8s}"
    head += f"{'fps(mix)':>10s}{'fps(empty)':>12s}"
    print(head)
    print("-" * len(head))
    for width, height in ((1280, 720), (640, 480)):
        empty, coded = synthetic_frames(width, height, count)
        readers = {"plugin": read_plugin, "pyzbar": read_pyzbar}
        on_empty = time_frames(readers, empty)
        on_code = time_frames(readers, [f for _, f in coded])
        rows = {}
        for name in readers:
            t_empty, empty_reads = on_empty[name]
            t_code, code_reads = on_code[name]
            ok = sum(
                expected in {canonical(f, t) for f, t in reads}
                for (expected, _), reads in zip(coded, code_reads, strict=True)
            )
            stray = sum(len(r) for r in empty_reads)
            rows[name] = t_empty
            print(
                f"{width}x{height:<5d}{name:>9s}{1000 * t_empty:>10.1f}{1000 * t_code:>9.1f}"
                f"{f'{ok}/{count}':>8s}{2 / (t_empty + t_code):>10.1f}{1 / t_empty:>12.1f}"
                + (f"   ({stray} reads on empty frames)" if stray else "")
            )
        ratio = rows["plugin"] / rows["pyzbar"]
        goal = " (goal <= 0.20)" if width == 1280 else ""
        print(f"{'':10s}empty-frame cost plugin/pyzbar = {ratio:.2f}{goal}")


# --- cross-validation and shopper-like variants (bench/barcode_cv.py) --------------------------


def _replayed(c: cv.Cached) -> list[Read]:
    codes = cv.replay(c, DEFAULT_OPTIONS)
    return [(_PLUGIN_FAMILY.get(x.symbology.value, "?"), x.code) for x in codes if x.confirmed]


def _cache_all(images: list) -> list[list[cv.Cached]]:
    """Per image, the cached pass results for each variant (computed once, then reused)."""
    baselines = {"zxing-cpp": read_zxing, "pyzbar": read_pyzbar}
    out = []
    for n, (sample, _) in enumerate(images, 1):
        row = []
        for kind in cv.VARIANTS[:1] if PHOTOS_ONLY else cv.VARIANTS:
            got = cv.load_or_run(sample.file, kind, baselines)
            assert got is not None
            row.append(got)
        out.append(row)
        if n % 50 == 0:
            print(f"  cached {n}/{len(images)}", file=sys.stderr)
    return out


_MEMO: dict[tuple, cv.Outcome] = {}
_LIVE: dict[int, tuple[list, list]] = {}
_READERS: dict[tuple[int, int], tuple[frozenset[str], int, bool]] = {}


def _relevant(c: cv.Cached, v: int, i: int) -> tuple[frozenset[str], int, bool]:
    """Passes that read anything in this image, its region count, and whether any read is
    DataBar: the only parts of a configuration that can change the image's outcome."""
    if (v, i) not in _READERS:
        names = frozenset(n for r in c.regions for n, reads in r.items() if reads)
        databar = any(
            code.symbology in dec.NO_FALLBACK
            for r in c.regions
            for rs in r.values()
            for code, _ in rs
        )
        if any(reads for r in c.stacked for reads in r.values()):
            names |= {"stacked"}  # the stacked-DataBar step read something: never memoised
        if any(reads for r in c.defocus for reads in r.values()):
            names |= {"stacked"}  # so did the defocus step (round 8): never memoised either
        _READERS[(v, i)] = (names, len(c.regions), databar)
    return _READERS[(v, i)]


def _outcomes(images: list, cached: list[list[cv.Cached]], v: int, options) -> list:
    """Each image's outcome under ``options``, replayed from the cache. A pass that read
    nothing in an image cannot change its outcome, so outcomes are memoised on the passes
    that did (in order), the regions used, the rule, and DataBar only where it was read; an
    image no fallback pass read anything in is scored once. This is what makes searching
    hundreds of thousands of configurations affordable (checked against plain replay)."""
    if v not in _LIVE:
        fixed, live = [], []
        for i, ((s, _), c) in enumerate(zip(images, cached, strict=True)):
            names, n_regions, databar = _relevant(c[v], v, i)
            codes = cv.replay(c[v], options)
            fixed.append(cv.outcome(s.family, s.expected, codes, canonical, _PLUGIN_FAMILY))
            if names:
                live.append((i, s, c[v], names, n_regions, databar))
        _LIVE[v] = (fixed, live)
    fixed, live = _LIVE[v]
    out = list(fixed)
    for i, s, c, names, n_regions, databar in live:
        if "stacked" in names:
            codes = cv.replay(c, options)
            out[i] = cv.outcome(s.family, s.expected, codes, canonical, _PLUGIN_FAMILY)
            continue
        key = (
            v,
            i,
            tuple(p for p in options.passes if p in names),
            min(n_regions, options.max_regions),
            options.confirm_passes,
            options.confirm_engines,
            options.fallback_databar and databar,
        )
        row = _MEMO.get(key)
        if row is None:
            codes = cv.replay(c, options)
            row = cv.outcome(s.family, s.expected, codes, canonical, _PLUGIN_FAMILY)
            _MEMO[key] = row
        out[i] = row
    return out


def _raw(images: list, cached: list[list[cv.Cached]], v: int) -> list:
    return [
        cv.raw_outcome(s.family, s.expected, c[v].zxing_raw, canonical)
        for (s, _), c in zip(images, cached, strict=True)
    ]


GROUPED = False  # --grouped: folds keep each item of a photo series together
PHOTOS_ONLY = False  # --photos-only: no shopper-like variants (a third of the caching)
EXTEND_ONLY = False  # --extend-only: search the shipped chain plus candidate passes only
STACKED_FIXED = False  # --stacked-fixed: the stacked-DataBar step always on, not searched
COLUMNS = ("EAN-13", "UPC-A", "DataBar", "DataBar+Exp", "overall")


def cross_validated_part(
    images: list,
    kept_only: bool,
    candidates: str | None = None,
    pending_false: bool = False,
    listed_labels: bool = True,
) -> list[list[cv.Cached]]:
    cached = _cache_all(images)
    raw = _raw(images, cached, 0)
    strata = [s.stratum for s, _ in images]
    fold = cv.grouped_folds(strata, [s.item for s, _ in images]) if GROUPED else cv.folds(strata)
    o = DEFAULT_OPTIONS
    shipped = cv.Config(
        o.passes, o.max_regions, o.confirm_engines, o.fallback_databar, o.stacked_databar
    )
    order = cv.search_order(candidates)
    if kept_only:
        configs = [shipped]
    elif EXTEND_ONLY:
        # from the chain shipped before this round: extending the chain the folds chose
        # would let that choice (made on all folds) leak into the estimate
        extra = [p for p in order if p not in PREVIOUS.passes]
        configs = cv.extensions(PREVIOUS, extra, stacked=not STACKED_FIXED)
        if STACKED_FIXED:  # round 8: the step a fixed part of the chain, as in the full search
            configs = [replace(c, stacked=True) for c in configs]
    else:
        configs = cv.configurations(order)
    result = cv.cross_validate(
        configs,
        lambda c: _outcomes(images, cached, 0, c.options()),
        raw,
        fold,
        order,
        pending_false,
    )
    how = "grouped by item and series, " if GROUPED else ""
    print(f"{cv.K}-fold cross-validation ({how}stratified by format, seed {cv.SEED}), "
          f"{len(configs)} configurations; each chosen on 4 folds, scored on the 5th")  # fmt: skip
    head = f"{'fold':6s}{'n':>4s}" + "".join(f"{c:>12s}" for c in COLUMNS)
    head += f"{'false':>7s}{'zxing':>7s}{'2nd fr':>8s}"
    print(head)
    print("-" * len(head))
    for k, (chosen, fig) in enumerate(zip(result.chosen, result.held_out, strict=True)):
        n = fold.count(k)
        cells = "".join(cv.cell(fig[c]) for c in COLUMNS)
        print(f"{k:<6d}{n:>4d}{cells}{int(fig['false']):>7d}{result.raw_false[k]:>7d}"
              f"{int(fig['second']):>8d}   {chosen}")  # fmt: skip
    print("-" * len(head))
    for label, figs in (("plugin", result.held_out), ("zxing", result.raw_held_out)):
        cells = "".join(f"{cv.spread([f[c] for f in figs]):>12s}" for c in COLUMNS)
        print(f"{label:10s}{cells}   (mean ± spread over the held-out folds)")
    if listed_labels and not GROUPED:
        print(f"{'before':10s}{BEFORE_CV}   (the estimate before this round, 17 passes searched)")
    kept = result.kept
    print(f"kept across folds: {kept}")
    print(f"shipped (DecodeOptions defaults): {shipped}"
          + ("" if kept == shipped else "   ** differs from what the folds kept **"))  # fmt: skip
    fixed_configs_part(images, cached, fold, raw, shipped)
    return cached


def corrected_labels_part(
    images: list, root: Path, kept_only: bool, candidates: str | None, pending_false: bool
) -> None:
    """The cross-validation again with the reviewed label corrections (bench/barcode_labels.py),
    on the same folds, printed apart from the figures on the labels as listed."""
    samples, applied, stale = labels.corrected([s for s, _ in images], root)
    print("\nWith the reviewed label corrections of bench/barcode_labels.py (same folds; "
          "reported apart from the figures above, on the labels as listed)")  # fmt: skip
    for fix in applied:
        print(f"  {fix.file}: {fix.listed} -> {fix.family} {fix.expected}")
    for fix in stale:
        print(f"  not applied, the manifest's label changed: {fix.file}")
    for file, why in labels.SUSPECTED.items():
        print(f"  suspected, not corrected: {file}: {why}")
    if not applied:
        return
    _MEMO.clear()  # outcomes depend on the labels
    _LIVE.clear()
    fixed = [(s, image) for s, (_, image) in zip(samples, images, strict=True)]
    cross_validated_part(fixed, kept_only, candidates, pending_false, listed_labels=False)
    _MEMO.clear()
    _LIVE.clear()


# The chain shipped before the bars and @wide passes existed (chosen by the same search then)
FIRST = cv.Config(("zbar+clahe", "zbar+raw", "zxing+2x", "zbar+2x"), 2, 1)
# The chain shipped before round 6 (the fit passes), and its cross-validated estimate then
# (EAN-13, UPC-A, DataBar, DataBar+Exp, overall; listed labels, full search of 17 passes)
PREVIOUS = cv.Config(
    ("zbar+clahe", "zbar+raw", "zxing+2x", "zxing+bars", "zbar+bars", "zbar+2x@wide"), 2, 1, True
)
BEFORE_CV = " 91.4 ±  4.9 72.8 ± 11.7 66.7 ± 29.8 96.4 ±  3.2 90.2 ±  2.8"
# The chain shipped in round 6 (round 5's plus the fit passes on side-by-side bands)
ROUND6 = cv.Config((*PREVIOUS.passes, "fit+bars", "fit+bars@wide"), 2, 1, True)


def fixed_configs_part(images: list, cached: list, fold: list[int], raw: list, shipped) -> None:
    """The shipped and the three earlier chains as *fixed* configurations on each fold: no
    selection inside the folds, so this is a paired comparison, not a recall estimate."""
    print("\nFixed configurations per fold (images read / accepted false reads; raw zxing-cpp)")
    rows = {"first": _outcomes(images, cached, 0, FIRST.options())}
    rows["previous"] = _outcomes(images, cached, 0, PREVIOUS.options())
    rows["round 6"] = _outcomes(images, cached, 0, ROUND6.options())
    rows["shipped"] = _outcomes(images, cached, 0, shipped.options())
    # round 8: the stacked-DataBar step's own effect, fold by fold (what fixing it rests on)
    rows["no stacked"] = _outcomes(images, cached, 0, replace(shipped, stacked=False).options())
    for k in range(cv.K):
        idx = [i for i, f in enumerate(fold) if f == k]
        cells = "   ".join(
            f"{name} {sum(r[i].hit for i in idx):>3d}/{len(idx)} {sum(r[i].false for i in idx)}"
            for name, r in rows.items()
        )
        print(f"  fold {k}: {cells}   zxing-cpp false {sum(raw[i].false for i in idx)}")


def variants_part(images: list, cached: list[list[cv.Cached]]) -> None:
    print("\nShopper-like variants of every photo (generated, not stored; bench/barcode_cv.py)")
    head = f"{'variant':10s}{'decoder':>10s}" + "".join(f"{c:>12s}" for c in COLUMNS)
    head += f"{'false':>7s}{'2nd fr':>8s}"
    print(head)
    print("-" * len(head))
    for v, kind in enumerate(cv.VARIANTS):
        for name, rows in (
            ("plugin", _outcomes(images, cached, v, DEFAULT_OPTIONS)),
            ("zxing-cpp", _raw(images, cached, v)),
        ):
            fig = cv.figures(rows)
            cells = "".join(cv.cell(fig[c]) for c in COLUMNS)
            print(f"{kind:10s}{name:>10s}{cells}{int(fig['false']):>7d}{int(fig['second']):>8d}")


def live_variants_part(
    images: list,
    kinds: tuple[str, ...] = cv.VARIANTS,
    shard: tuple[int, int] = (0, 1),
    dump_to: Path | None = None,
    merged: list[Path] | None = None,
    partial: bool = False,
) -> None:
    """The shopper-like variants decoded directly with the shipped options (no cache of every
    pass: ~1/10 of the work of caching them), beside raw zxing-cpp on the same frames.

    The frames are ``barcode_cv.variant``'s (a seeded motion smear of 1.5 % of the longest
    side, or a defocus disc of radius 0.6 %, each plus noise σ=3): the same ones the cached
    search scores. "stacked" counts photos whose expected code only the stacked-DataBar
    step read. False reads are also given per fold (stratified and grouped) as
    plugin/zxing-cpp. Round 9: ``shard`` decodes every n-th photo only and ``dump_to``
    writes the outcomes; ``merged`` prints the table from such dumps instead of decoding
    (``bench/variants_live.py``)."""
    strata = [s.stratum for s, _ in images]
    folds = {"stratified": cv.folds(strata)}
    folds["grouped"] = cv.grouped_folds(strata, [s.item for s, _ in images])
    if GROUPED:  # the grouped folds first, as before
        folds = dict(reversed(folds.items()))
    names = [s.file.name for s, _ in images]
    if merged:
        rows = live.merge(merged)
    else:
        rows: dict[str, dict[str, live.LiveRow]] = {}
        for kind in kinds:
            rows[kind] = {}
            # in a seeded random order, dumped every 10 frames: a run cut short leaves a
            # random sample of every format (``--merge --partial``), not the first formats
            for n, i in enumerate(live.order(len(images), shard), 1):
                sample, image = images[i]
                rows[kind][sample.file.name] = _live_row(sample, image, kind)
                if dump_to is not None and (n % 10 == 0 or n == len(images) // shard[1]):
                    live.dump(dump_to, rows)
            if dump_to is not None:
                live.dump(dump_to, rows)
                print(f"dumped {len(rows[kind])} {kind} frames (shard {shard[0]}/{shard[1]}) "
                      f"to {dump_to}", flush=True)  # fmt: skip
        if dump_to is not None:
            return
    print("\nShopper-like variants, decoded live with the shipped options (not stored)")
    complete = live.complete(rows, names, partial)
    live.print_table(complete, folds, COLUMNS, _print_fold_means)


def _live_row(sample: Sample, image: np.ndarray, kind: str) -> live.LiveRow:
    frame = cv.variant(image, kind, sample.file.name)
    codes = decode(frame)
    row = cv.outcome(sample.family, sample.expected, codes, canonical, _PLUGIN_FAMILY)
    raw = cv.raw_outcome(sample.family, sample.expected, read_zxing(frame), canonical)
    mine = [
        c.stage
        for c in codes
        if c.confirmed and canonical(_PLUGIN_FAMILY[c.symbology.value], c.code) == sample.expected
    ]
    stacked = row.hit and all(s.startswith("stacked:") for s in mine)
    defocus = row.hit and all(s.startswith("defocus:") for s in mine)
    return live.LiveRow(row, raw, stacked, defocus)


def _print_fold_means(kind: str, plugin: list, raw: list, fold: list[int]) -> None:
    """The fixed chain's figures on each fold, mean ± spread (what cross-validation
    reports when nothing is chosen per fold)."""
    for name, rows in (("plugin", plugin), ("zxing-cpp", raw)):
        per = [
            cv.figures(r for r, f in zip(rows, fold, strict=True) if f == k) for k in range(cv.K)
        ]
        cells = "".join(f"{cv.spread([p[c] for p in per]):>14s}" for c in COLUMNS)
        print(f"{kind:10s}{name:>10s}{cells}   (per fold, mean ± spread)")


# --- main --------------------------------------------------------------------------------------


def ready(data: Path) -> bool:
    """Whether the photo set is there (else says so); pins the process to one core and
    OpenCV to one thread, as every camera benchmark runs."""
    if not (data / "MANIFEST.tsv").is_file():
        print(f"No benchmark data at {data.resolve()} (MANIFEST.tsv missing); nothing to do.")
        return False
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use only N photos")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with MANIFEST.tsv")
    parser.add_argument("--frames", type=int, default=20, help="synthetic frames per kind")
    parser.add_argument("--show-false", action="store_true", help="list every false read")
    parser.add_argument(
        "--kept-only", action="store_true", help="skip the configuration search (quick run)"
    )
    parser.add_argument(
        "--candidates",
        nargs="?",
        const="round3",
        choices=("round3", "deblur", "fit", "round7", "all"),
        help="search candidate passes too: round3 (lclahe, 1.5x, 2x~fixed; the default, "
        "~5x slower), deblur (rl1.5, rl3: deconvolution), fit (blurred EAN/UPC digit "
        "patterns fitted, round 6), round7 (fit plus fit+bars5: five overlapping bands, "
        "every placement refined), or all",
    )
    parser.add_argument(
        "--pending-false",
        action="store_true",
        help="count wrong unconfirmed reads (a 2nd frame would accept them) in the search's "
        "false-read budget",
    )
    parser.add_argument(
        "--grouped",
        action="store_true",
        help="folds grouped by item within a photo series (no near-duplicates across a split)",
    )
    parser.add_argument(
        "--photos-only",
        action="store_true",
        help="cache and score the photos only, not their shopper-like variants",
    )
    parser.add_argument(
        "--extend-only",
        action="store_true",
        help="search only the shipped chain with each set of the --candidates passes "
        "appended (a few configurations instead of the power set: for a loaded machine)",
    )
    parser.add_argument(
        "--stacked-fixed",
        action="store_true",
        help="with --extend-only: the stacked-DataBar step always on (a fixed part of the "
        "chain, as the full search holds it) instead of searched on/off",
    )
    parser.add_argument(
        "--cv-only",
        action="store_true",
        help="stop after the cross-validation (no whole-set decoding, variants or timing)",
    )
    parser.add_argument(
        "--variants-live",
        action="store_true",
        help="only decode the photos and their shopper-like variants with the shipped options "
        "(no cache, no search): recall and false reads per format and fold",
    )
    parser.add_argument(
        "--kinds",
        default=",".join(cv.VARIANTS),
        help="with --variants-live: which frames, comma-separated (photo,motion,defocus)",
    )
    parser.add_argument(
        "--shard",
        type=live.shard_of,
        default=(0, 1),
        metavar="I/N",
        help="with --variants-live: decode every N-th photo from the I-th only (run N "
        "shards side by side, each with --dump, then --merge)",
    )
    parser.add_argument(
        "--dump", type=Path, default=None, help="with --variants-live: write the outcomes here"
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        default=None,
        help="with --variants-live: print the table from the shards' dumps (no decoding)",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="with --merge: report kinds some photos are missing from too (a random sample "
        "of runs cut short; each figure is then over the frames present)",
    )
    args = parser.parse_args(argv)
    global GROUPED, PHOTOS_ONLY, EXTEND_ONLY, STACKED_FIXED
    GROUPED, PHOTOS_ONLY, EXTEND_ONLY = args.grouped, args.photos_only, args.extend_only
    STACKED_FIXED = args.stacked_fixed

    if not ready(args.data):
        return 0

    samples = load_manifest(args.data, args.limit)
    images = []
    for sample in samples:
        image = cv2.imread(str(sample.file), cv2.IMREAD_COLOR)
        if image is None:
            print(f"warning: cannot read {sample.file}, skipped")
            continue
        images.append((sample, image))
    print(f"Photo set: {len(images)} images from {args.data.resolve()}")
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("zxing-cpp", "pyzbar"))
    print(f"{versions}, OpenCV {cv2.__version__}; one core, 1 OpenCV thread\n")

    readers: list[tuple[str, Callable[[np.ndarray], list[Read]]]] = [
        ("plugin", read_plugin),
        ("zxing-cpp", read_zxing),
        ("pyzbar", read_pyzbar),
    ]
    cv_reader = cv_barcode_reader()
    if cv_reader is None:
        print("cv2.barcode is not available in this OpenCV build; baseline skipped")
    else:
        readers.append(("cv2.barcode", cv_reader))
    if args.variants_live:
        samples, _, _ = labels.corrected([s for s, _ in images], args.data)
        kinds = cv.VARIANTS[:1] if PHOTOS_ONLY else tuple(args.kinds.split(","))
        unknown = set(kinds) - set(cv.VARIANTS)
        if unknown:
            parser.error(f"--kinds: unknown {', '.join(sorted(unknown))}")
        live_variants_part(
            [(s, im) for s, (_, im) in zip(samples, images, strict=True)],
            kinds,
            args.shard,
            args.dump,
            args.merge,
            args.partial,
        )
        return 0
    cached = cross_validated_part(images, args.kept_only, args.candidates, args.pending_false)
    corrected_labels_part(images, args.data, args.kept_only, args.candidates, args.pending_false)
    if args.cv_only:
        return 0
    print("\nWhole set, shipped options (plugin = reads accepted from one frame)")
    scores = [score(name, reader, images) for name, reader in readers]
    families = [f for f in FAMILIES if scores[0].total[f]]
    print_photo_table(scores, families)
    pending = score("pending", read_pending, images)
    print(
        f"{'needs 2nd frame':18s}{'':5s}{sum(pending.hits.values()):>14d}"
        f"   (unconfirmed fallback reads of the expected code; {pending.false_reads} wrong ones)"
    )
    same = all(
        sorted(read_plugin(image)) == sorted(_replayed(cached[i][0]))
        for i, (_, image) in enumerate(images)
    )
    print(f"cached replay == decode() on every photo: {same}")
    if args.show_false:
        for s in scores:
            print(f"\nfalse reads, {s.name}:")
            for example in s.false_examples:
                print("  ", example)
    if not PHOTOS_ONLY:
        variants_part(images, cached)
    synthetic_part(args.frames)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
