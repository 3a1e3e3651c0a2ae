"""Cross-validated choice of the camera decoder's fallback passes, from cached pass results.

Every fallback pass (see :func:`plugins.scanner_camera.decoder.run_region_pass`) is run once
per image and region and cached on disk (``/tmp/camera-cache``, keyed by the image's
bytes, the variant and the decoder's source), so the configurations below are scored by the
decoder's own :func:`confirm_fallback` on cached reads instead of by decoding again.

A configuration is (fallback passes, max regions, engines needed to confirm, whether the
fallback passes look for DataBar). On each of
k=5 folds (stratified by format, fixed seed) the configuration is chosen on the other four
folds: most images read with *confirmed* reads, subject to no more false reads than raw
zxing-cpp makes on those folds; ties go to fewer passes, fewer regions, the stricter rule.
It is then scored on the held-out fold. What ships keeps each pass chosen on a majority of
folds, the most common region count and rule, and DataBar if a majority chose it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import re
import statistics
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from kiosk.domain.scan import Symbology
from plugins.scanner_camera import decoder as dec
from plugins.scanner_camera.databar import stacked_regions
from plugins.scanner_camera.decoder import (
    ALL_PASSES,
    DEFAULT_OPTIONS,
    DecodedCode,
    DecodeOptions,
    confirm_fallback,
    fallback_crops,
    region_pass,
)
from plugins.scanner_camera.regions import find_barcode_regions

CACHE = Path("/tmp/camera-cache")
MAX_REGIONS = 3  # cached; configurations may use fewer
MAX_PASSES = 6  # the largest set of fallback passes the search tries
K = 5
SEED = 22
VARIANTS = ("photo", "motion", "defocus")
# The pass order the configurations keep (cheap first; a region stops at its first
# confirmed code, so order only changes cost and which of two codes in one crop wins).
FULL_ORDER = (
    "zxing+clahe", "zbar+clahe", "zxing+raw", "zbar+raw", "zxing+gh",
    "zxing+lclahe", "zbar+lclahe", "zxing+blur", "zbar+blur", "zxing+1.5x", "zbar+1.5x",
    "zxing+2x", "zbar+2x", "zxing+2x~fixed", "zxing+3x", "zbar+3x",
    "zxing+rl1.5", "zbar+rl1.5", "zxing+rl3", "zbar+rl3", "zxing+bars", "zbar+bars",
    "zxing+clahe@wide", "zbar+clahe@wide", "zxing+2x@wide", "zbar+2x@wide",
    "fit+bars", "fit+bars@wide",  # the costliest last: a region stops at its first confirmed code
    "fit+bars5", "fit+bars5@wide",
)  # fmt: skip
assert set(FULL_ORDER) == set(ALL_PASSES)
# Passes that are implemented and cached but searched only with ``--candidates``: with
# them the search's held-out estimate went down (docs/camera-scanning.md, issue 22).
# Round 4's deconvolution passes are a second group, searched with ``--candidates deblur``.
CANDIDATE_GROUPS = {
    "round3": ("zxing+lclahe", "zbar+lclahe", "zxing+1.5x", "zbar+1.5x", "zxing+2x~fixed"),
    "deblur": ("zxing+rl1.5", "zbar+rl1.5", "zxing+rl3", "zbar+rl3"),
    "fit": ("fit+bars", "fit+bars@wide"),  # round 6: blurred digit patterns fitted
    # round 7: the fit passes and the fit engine on five overlapping bands, all refined
    "round7": ("fit+bars", "fit+bars@wide", "fit+bars5", "fit+bars5@wide"),
}
CANDIDATES = tuple(p for group in CANDIDATE_GROUPS.values() for p in group)
PASS_ORDER = tuple(p for p in FULL_ORDER if p not in CANDIDATES)  # searched by default


def search_order(group: str | None) -> tuple[str, ...]:
    """The passes the search tries: the default ones, plus one candidate group or all."""
    extra = set(CANDIDATES if group == "all" else CANDIDATE_GROUPS.get(group or "", ()))
    return tuple(p for p in FULL_ORDER if p in PASS_ORDER or p in extra)


Read = tuple[str, str]
C = TypeVar("C")  # a choice the folds make: a Config, or the defocus step's settings


# --- synthetic shopper frames ------------------------------------------------------------------


def variant(image: np.ndarray, kind: str, name: str) -> np.ndarray:
    """A camera-like copy of a photo: ``motion`` (a straight smear at a random angle, 1.5 % of
    the longest side, at least 3 px) or ``defocus`` (a disc of radius 0.6 % of the longest
    side, at least 1.5 px), each plus sensor noise (σ=3). Seeded by the file name, so every
    run makes the same frames; nothing is stored but the cached reads."""
    if kind == "photo":
        return image
    rng = np.random.default_rng(zlib.crc32(f"{kind}:{name}".encode()))
    longest = max(image.shape[:2])
    if kind == "motion":
        length = max(3, round(0.015 * longest))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0
        angle = float(rng.uniform(0, 180))
        m = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), angle, 1.0)
        kernel = cv2.warpAffine(kernel, m, (length, length))
    elif kind == "defocus":
        radius = max(1.5, 0.006 * longest)
        size = 2 * int(np.ceil(radius)) + 1
        yy, xx = np.mgrid[:size, :size] - size // 2
        kernel = (xx * xx + yy * yy <= radius * radius).astype(np.float32)
    else:
        raise ValueError(kind)
    blurred = cv2.filter2D(image.astype(np.float32), -1, kernel / kernel.sum())
    noisy = blurred + rng.normal(0, 3, image.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


# --- the cache ---------------------------------------------------------------------------------


CACHE_VERSION = (
    b"passes-1 variants-1 stacked-1 defocus-1"  # bump when passes_of or variant() change
)


# DecodeOptions defaults that cross-validation picks: the cache holds every choice of them,
# so changing them must not throw the cache away
# (a value may run over several lines in parentheses)
_CHOSEN = re.compile(
    rb"^ +(passes|max_regions|confirm_engines|fallback_databar|stacked_databar):"
    rb"(?:[^\n]*\(\n(?:[^\n]*\n)*? *\)[^\n]*|[^\n]*)$",
    re.M,
)


def _source_hash() -> str:
    decoder = _CHOSEN.sub(b"", Path(dec.__file__).read_bytes())
    here = Path(dec.__file__)
    names = (
        "regions.py",
        "bars.py",
        "deblur.py",
        "ean_fit.py",
        "databar.py",
        "defocus.py",
        "glare.py",
    )
    helpers = b"".join(here.with_name(n).read_bytes() for n in names)
    return hashlib.sha256(decoder + helpers + CACHE_VERSION).hexdigest()[:12]


def _dump(code: DecodedCode) -> list:
    return [code.symbology.value, code.code, code.raw, code.corners, code.engine, code.stage]


def _load(row: list) -> DecodedCode:
    sym, code, raw, corners, engine, stage = row
    box = tuple(tuple(p) for p in corners)
    return DecodedCode(Symbology(sym), code, raw, box, engine, stage)  # type: ignore[arg-type]


@dataclass
class Cached:
    """What every pass read in one image (one variant)."""

    primary: list[DecodedCode]
    qr: list[DecodedCode]
    regions: list[dict[str, list[tuple[DecodedCode, float]]]]
    zxing_raw: list[Read]
    pyzbar_raw: list[Read]
    # the stacked-DataBar step's regions (round 7), cached where the first pass read nothing
    # (elsewhere it never runs): each with its DataBar-only passes' reads
    stacked: list[dict[str, list[tuple[DecodedCode, float]]]] = field(default_factory=list)
    # the defocus step's regions (round 8), cached where the first pass read nothing
    defocus: list[dict[str, list[DecodedCode]]] = field(default_factory=list)


def passes_of(
    image: np.ndarray, baselines: dict[str, Callable[[np.ndarray], list[Read]]]
) -> Cached:
    # DataBar on in the cache; replay() drops those reads for options that leave it out
    options = replace(DEFAULT_OPTIONS, max_regions=MAX_REGIONS, fallback_databar=True)
    gray = dec._gray(image)
    primary = dec._zxing(gray, options.zxing_formats(), options, "zxing")
    regions = find_barcode_regions(gray, options.regions)
    qr: list[DecodedCode] = []
    if not primary and Symbology.QR in options.formats:
        qr, qr_regions = dec._qr_pass(gray, options)
        regions += qr_regions
    crops = fallback_crops(gray, primary, regions, options)
    stacked = []
    db = dec.stacked_options(options)
    if not primary and db is not None:
        for crop in fallback_crops(gray, [], stacked_regions(gray, regions), db):
            stacked.append(
                {name: [(c, 1.0) for c in region_pass(gray, crop, name, db)] for name in db.passes}
            )
    defocus = []
    df = dec.defocus_options(options)
    if not primary and df is not None:
        grads = dec.gradients(gray, options.regions.work_size)
        for region in dec.defocus_step_regions(gray, regions, [], grads):
            defocus.append({n: dec.defocus_pass(gray, region, n, df) for n in df.passes})
    per_region = []
    for crop in crops:
        per_region.append(
            {
                name: [(c, 1.0) for c in region_pass(gray, crop, name, options)]
                for name in ALL_PASSES
            }
        )
    return Cached(
        primary,
        qr,
        per_region,
        baselines["zxing-cpp"](image),
        baselines["pyzbar"](image),
        stacked,
        defocus,
    )


def load_or_run(
    path: Path,
    kind: str,
    baselines: dict[str, Callable[[np.ndarray], list[Read]]],
) -> Cached | None:
    data = path.read_bytes()
    key = hashlib.sha256(data + kind.encode() + _source_hash().encode()).hexdigest()[:24]
    file = CACHE / f"{key}.json"
    if file.is_file():
        raw = json.loads(file.read_text())
        return Cached(
            [_load(r) for r in raw["primary"]],
            [_load(r) for r in raw["qr"]],
            [{n: [(_load(c), s) for c, s in v] for n, v in r.items()} for r in raw["regions"]],
            [tuple(r) for r in raw["zxing_raw"]],  # type: ignore[misc]
            [tuple(r) for r in raw["pyzbar_raw"]],  # type: ignore[misc]
            [{n: [(_load(c), s) for c, s in v] for n, v in r.items()} for r in raw["stacked"]],
            [{n: [_load(c) for c in v] for n, v in r.items()} for r in raw["defocus"]],
        )
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None
    cached = passes_of(variant(image, kind, path.name), baselines)
    CACHE.mkdir(parents=True, exist_ok=True)
    out = {
        "primary": [_dump(c) for c in cached.primary],
        "qr": [_dump(c) for c in cached.qr],
        "regions": [
            {n: [(_dump(c), s) for c, s in v] for n, v in r.items()} for r in cached.regions
        ],
        "zxing_raw": cached.zxing_raw,
        "pyzbar_raw": cached.pyzbar_raw,
        "stacked": [
            {n: [(_dump(c), s) for c, s in v] for n, v in r.items()} for r in cached.stacked
        ],
        "defocus": [{n: [_dump(c) for c in v] for n, v in r.items()} for r in cached.defocus],
    }
    file.write_text(json.dumps(out))
    return cached


def replay(cached: Cached, options: DecodeOptions) -> list[DecodedCode]:
    """What :func:`decode` returns for this image with ``options``, from the cache."""
    n = min(len(cached.regions), options.max_regions)

    def run(index: int, name: str) -> list[DecodedCode]:
        codes = [c for c, _ in cached.regions[index][name]]
        if options.fallback_databar:
            return codes
        return [c for c in codes if c.symbology not in dec.NO_FALLBACK]

    out = confirm_fallback(cached.primary, cached.qr, n, options, run)
    db = dec.stacked_options(options)
    if db is not None and not any(c.confirmed for c in out):
        m = min(len(cached.stacked), db.max_regions)
        run_db = lambda i, name: [c for c, _ in cached.stacked[i][name]]  # noqa: E731
        out = dec.with_stacked(out, confirm_fallback([], [], m, db, run_db))
    df = dec.defocus_options(options)
    if df is None or any(c.confirmed for c in out):
        return out
    n_df = len(cached.defocus)
    more = confirm_fallback([], [], n_df, df, lambda i, name: cached.defocus[i][name])
    return dec.with_stacked(out, more, "defocus")


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One image under one configuration."""

    family: str
    hit: bool  # expected code among the accepted reads
    second_frame: bool  # not accepted, but an unconfirmed fallback read had it
    false: int  # accepted reads that match nothing expected
    false_unconfirmed: int


def outcome(
    family: str,
    expected: str,
    codes: list[DecodedCode],
    canonical: Callable[[str, str], str | None],
    family_of: dict[str, str],
) -> Outcome:
    accepted = {canonical(family_of[c.symbology.value], c.code) for c in codes if c.confirmed}
    pending = {canonical(family_of[c.symbology.value], c.code) for c in codes if not c.confirmed}
    accepted.discard(None)
    pending.discard(None)
    hit = expected in accepted
    return Outcome(
        family,
        hit,
        not hit and expected in pending,
        len(accepted - {expected}),
        len(pending - accepted - {expected}),
    )


def raw_outcome(
    family: str, expected: str, reads: list[Read], canonical: Callable[[str, str], str | None]
) -> Outcome:
    got = {c for f, t in reads if (c := canonical(f, t)) is not None}
    return Outcome(family, expected in got, False, len(got - {expected}), 0)


GROUPS = {
    "EAN-13": ("ean13",),
    "UPC-A": ("upca",),
    "DataBar": ("databar",),
    "DataBar+Exp": ("databar", "databar-expanded"),
}


def figures(outcomes: Iterable[Outcome]) -> dict[str, float]:
    rows = list(outcomes)
    out: dict[str, float] = {}
    for label, fams in GROUPS.items():
        sel = [o for o in rows if o.family in fams]
        # a fold without the format has no figure for it (round 8: it counted as 0 %, and
        # a grouped fold whose only RSS-14 photos a label correction made Expanded pulled
        # the RSS-14 mean down)
        out[label] = 100 * sum(o.hit for o in sel) / len(sel) if sel else math.nan
    out["overall"] = 100 * sum(o.hit for o in rows) / max(1, len(rows))
    out["false"] = sum(o.false for o in rows)
    out["second"] = sum(o.second_frame for o in rows)
    out["false?"] = sum(o.false_unconfirmed for o in rows)
    return out


# --- configurations and cross-validation -------------------------------------------------------


@dataclass(frozen=True)
class Config:
    passes: tuple[str, ...]
    max_regions: int
    confirm_engines: int
    databar: bool = False
    stacked: bool = False  # round 7's stacked-DataBar step (off: the chains before it)

    def options(self) -> DecodeOptions:
        return replace(
            DEFAULT_OPTIONS,
            passes=self.passes,
            max_regions=self.max_regions,
            confirm_engines=self.confirm_engines,
            fallback_databar=self.databar,
            stacked_databar=self.stacked,
        )

    def cost(self) -> tuple[int, int, int, int, int]:
        return len(self.passes), self.max_regions, -self.confirm_engines, self.databar, self.stacked

    def __str__(self) -> str:
        rule = "2 engines" if self.confirm_engines == 2 else "any 2 passes"
        db = "; DataBar too" if self.databar else ""
        db += "; stacked DataBar" if self.stacked else ""
        return f"{', '.join(self.passes) or '-'}; {self.max_regions} regions; {rule}{db}"


def configurations(order: tuple[str, ...] = PASS_ORDER) -> list[Config]:
    """Every set of 2 to ``MAX_PASSES`` passes of ``order``, region count, confirmation rule
    and DataBar choice. (With 17 passes the full power set would be ~1,500,000
    configurations, too slow to replay; every fold has chosen 4 to 6 passes so far.)"""
    configs = [Config((), 0, 1)]
    stacked = DEFAULT_OPTIONS.stacked_databar  # not searched here: the shipped choice
    for r in range(2, MAX_PASSES + 1):
        for subset in itertools.combinations(order, r):
            for regions in range(1, MAX_REGIONS + 1):
                for engines in (1, 2):
                    zb = any(p.startswith("zbar") for p in subset)
                    zx = any(p.startswith("zxing") for p in subset)
                    if engines == 2 and not (zb and zx):
                        continue
                    configs += [
                        Config(subset, regions, engines, db, stacked) for db in (False, True)
                    ]
    return configs


def extensions(base: Config, extra: list[str], stacked: bool = False) -> list[Config]:
    """``base`` with every subset of ``extra`` passes added (in ``FULL_ORDER``), with and
    without DataBar in the fallback passes (and, with ``stacked``, with and without the
    stacked-DataBar step): a small search that asks only whether the candidate passes earn
    their place, for when the full search is too slow to run."""
    out = []
    for r in range(len(extra) + 1):
        for subset in itertools.combinations(extra, r):
            passes = tuple(p for p in FULL_ORDER if p in base.passes or p in subset)
            out += [
                replace(base, passes=passes, databar=db, stacked=st)
                for db in (False, True)
                for st in ((False, True) if stacked else (False,))
            ]
    return out


def folds(families: list[str], k: int = K, seed: int = SEED) -> list[int]:
    """Fold number per image: stratified by format, shuffled with a fixed seed."""
    rng = random.Random(seed)
    fold = [0] * len(families)
    by_family: dict[str, list[int]] = {}
    for i, f in enumerate(families):
        by_family.setdefault(f, []).append(i)
    offset = 0
    for fam in sorted(by_family):
        idx = by_family[fam]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            fold[i] = (j + offset) % k
        offset += len(idx)  # so small formats do not all start in fold 0
    return fold


def grouped_folds(
    families: list[str], groups: list[str], k: int = K, seed: int = SEED
) -> list[int]:
    """Fold number per image, with every image of a group in one fold: near-duplicates
    (the same item photographed again in one series) never sit on both sides of a split.

    Stratified by format as well as groups allow: within each format, groups go largest
    first (ties shuffled with a fixed seed) to the fold holding fewest images of that
    format, then fewest images in all."""
    rng = random.Random(seed)
    members: dict[tuple[str, str], list[int]] = {}
    for i, (family, group) in enumerate(zip(families, groups, strict=True)):
        members.setdefault((family, group), []).append(i)
    fold = [0] * len(families)
    total = [0] * k
    for fam in sorted({f for f, _ in members}):
        mine = [idx for (f, _), idx in sorted(members.items()) if f == fam]
        rng.shuffle(mine)
        mine.sort(key=len, reverse=True)  # stable: ties keep the shuffled order
        count = [0] * k
        for idx in mine:
            target = min(range(k), key=lambda j: (count[j], total[j]))
            for i in idx:
                fold[i] = target
            count[target] += len(idx)
            total[target] += len(idx)
    return fold


@dataclass
class CrossValidation:
    chosen: list[Config]
    held_out: list[dict[str, float]]
    raw_false: list[int]
    raw_held_out: list[dict[str, float]]
    kept: Config


def cross_validate(
    configs: Iterable[Config],
    score: Callable[[Config], list[Outcome]],
    raw: list[Outcome],
    fold: list[int],
    order: tuple[str, ...] = PASS_ORDER,
    pending_false: bool = False,
) -> CrossValidation:
    """``score(config)[i]``: image i under config; ``raw[i]``: raw zxing-cpp on image i.

    With ``pending_false`` the false-read budget also counts wrong *unconfirmed* reads: one
    frame does not accept them, but the live pipeline does when the next frame repeats
    them, and a systematic misread repeats.

    Only per-fold sums are kept per configuration, so thousands of them fit in memory.
    """
    fold_arr = np.array(fold)
    members = [fold_arr == k for k in range(K)]
    sums: dict[Config, tuple[np.ndarray, np.ndarray]] = {}
    for config in configs:
        rows = score(config)
        hit = np.array([o.hit for o in rows], np.int32)
        false = np.array([o.false + pending_false * o.false_unconfirmed for o in rows], np.int32)
        sums[config] = (
            np.array([hit[m].sum() for m in members]),
            np.array([false[m].sum() for m in members]),
        )
    raw_false = np.array([o.false for o in raw], np.int32)
    raw_by_fold = np.array([raw_false[m].sum() for m in members])
    chosen, held, raw_held = [], [], []
    for k in range(K):
        best = best_on_training(sums, raw_by_fold, k, Config.cost, Config((), 0, 1))
        chosen.append(best)
        rows = score(best)
        test = [i for i, f in enumerate(fold) if f == k]
        held.append(figures(rows[i] for i in test))
        raw_held.append(figures(raw[i] for i in test))
    votes = Counter(p for c in chosen for p in c.passes)
    passes = tuple(p for p in order if votes[p] > K // 2)
    regions = Counter(c.max_regions for c in chosen).most_common(1)[0][0]
    engines = Counter(c.confirm_engines for c in chosen).most_common(1)[0][0]
    databar = sum(c.databar for c in chosen) > K // 2
    stacked = sum(c.stacked for c in chosen) > K // 2
    kept = Config(passes, regions, engines, databar, stacked)
    return CrossValidation(chosen, held, [int(x) for x in raw_by_fold], raw_held, kept)


def best_on_training(
    sums: dict[C, tuple[np.ndarray, np.ndarray]],
    raw_by_fold: np.ndarray,
    k: int,
    cost: Callable[[C], tuple],
    default: C,
) -> C:
    """The choice for held-out fold ``k`` (the bench's one rule, for passes and for the
    defocus step's settings alike): most images read on the other folds, with no more
    false reads there than raw zxing-cpp made on them, ties to the lower ``cost``.
    ``sums[c]``: per-fold hits and false reads of choice ``c``."""
    budget = int(raw_by_fold.sum() - raw_by_fold[k])

    def train(c: C, which: int) -> int:
        per_fold = sums[c][which]
        return int(per_fold.sum() - per_fold[k])

    return min(
        (c for c in sums if train(c, 1) <= budget),
        key=lambda c: (-train(c, 0), cost(c)),
        default=default,
    )


def spread(values: list[float]) -> str:
    """Mean ± population spread over the folds that have a figure; ``*`` when some had
    none (no image of that format held out)."""
    present = [v for v in values if not math.isnan(v)]
    if not present:
        return "  –"
    text = f"{statistics.fmean(present):5.1f} ± {statistics.pstdev(present):4.1f}"
    return text if len(present) == len(values) else text + "*"


def cell(value: float) -> str:
    """One fold's percentage, 12 wide; ``–`` when the fold has no image of the format."""
    return f"{'–':>12s}" if math.isnan(value) else f"{value:>11.1f}%"
