"""The defocus step (round 8) chosen fold by fold: on/off and a grid of its settings.

    .venv/bin/python bench/defocus_cv.py [--data DIR] [--limit N] [--labels corrected|listed|both]

Round 8 set the step's settings while looking at the missed photos and the bench kept the
step on in every configuration. Here the step is a choice like a fallback pass: on each of
the 5 folds (stratified by format, and grouped by item, both printed) one of
:func:`grid`'s settings, or the step off, is chosen on the other four folds by the bench's
rule (:func:`barcode_cv.best_on_training`: most photos read, no more false reads than raw
zxing-cpp there, ties to the cheaper) and scored on the held-out fold. The rest of the
chain is the shipped one (``DecodeOptions`` defaults), held fixed.

Per photo, what the chain reads without the step is decoded once (``decode`` with
``defocus_step=False``); where it accepted nothing, the step's regions (with and without the
coarse finder), each box's swings and bar angle, and every grid growth's crop swings and
fit reads (with the σ limit and without) are cached in ``/tmp/camera-cache/defocus-grid``
(keyed by the image's bytes, the decoder's source and :data:`GRID_VERSION`), so every
setting is replayed by the decoder's own ``confirm_fallback`` (checked equal to ``decode()``
in ``test_camera_defocus_cv.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:  # run as a script: make kiosk and plugins importable
    sys.path.insert(0, str(PROJECT))

from bench import barcode_cv as cv  # noqa: E402
from bench import barcode_labels as labels  # noqa: E402
from bench import barcodes as bench  # noqa: E402
from plugins.scanner_camera import decoder as dec  # noqa: E402
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, DecodedCode  # noqa: E402
from plugins.scanner_camera.defocus import (  # noqa: E402
    DEFOCUS_MAX_ERROR,
    DEFOCUS_PASSES,
    MAX_SIGMA,
    DefocusSettings,
    across_crop,
    bar_angle,
    swings,
)
from plugins.scanner_camera.ean_fit import MAX_ERROR  # noqa: E402
from plugins.scanner_camera.regions import find_barcode_regions, gradients  # noqa: E402

GROWS = (0.2, 0.3, 0.4, 0.5)  # growth across the bars; the two passes take a pair a < b
SWINGS = (10, 13, 16)  # the swings gate (round 8: 13)
SIGMAS = (MAX_SIGMA, math.inf)  # the σ limit, or none
GLARE_PASS = next(p for p in DEFOCUS_PASSES if p.startswith("fit+glare"))  # round 9
ERRORS = (MAX_ERROR, DEFOCUS_MAX_ERROR)  # a fit's largest RMS error: the engine's, round 9's
GLARE = (False, True)  # the glare passes (round 9) off or on
GRID_VERSION = f"defocus-grid-3 {GROWS} {SWINGS} {SIGMAS} {ERRORS}"  # 3: + glare, max error
CACHE = cv.CACHE / "defocus-grid"
OFF = None  # the step off: a choice like any setting

Setting = DefocusSettings | None


def grid() -> list[Setting]:
    """The step off, and every setting: 6 growth pairs × coarse finder on/off × 3 gates ×
    σ limit or none × the engine's RMS limit or round 9's × glare passes off/on = 288 (the
    shipped one, ``DefocusSettings()``, among them)."""
    out: list[Setting] = [OFF]
    for grow in itertools.combinations(GROWS, 2):
        for coarse in (False, True):
            for gate in SWINGS:
                for s, e, g in itertools.product(SIGMAS, ERRORS, GLARE):
                    out.append(DefocusSettings(grow, coarse, gate, s, e, g))
    return out


def cost(setting: Setting) -> tuple:
    """Ties go to the cheaper: the step off; then without the coarse finder, a stricter
    gate, the σ limit, smaller crops."""
    if setting is None:
        return (0,)
    unlimited = math.isinf(setting.max_sigma)
    return (
        1, setting.glare, setting.max_error, setting.coarse, -setting.min_swings, unlimited,
        sum(setting.grow), setting.grow,
    )  # fmt: skip


def label(setting: Setting) -> str:
    if setting is None:
        return "step off"
    sigma = "no σ limit" if math.isinf(setting.max_sigma) else f"σ ≤ {setting.max_sigma:g}"
    coarse = "coarse finder" if setting.coarse else "no coarse finder"
    grow = "/".join(f"{g:g}" for g in setting.grow)
    glare = "glare" if setting.glare else "no glare"
    return (
        f"grow {grow}; {coarse}; swings ≥ {setting.min_swings}; {sigma}; "
        f"RMS ≤ {setting.max_error:g}; {glare}"
    )


# --- the cache -------------------------------------------------------------------------------


@dataclass
class Box:
    """One region the step may read: its box's swings at the patch angle (``None``: no
    patch angle, no gate), its bar angle, and per growth the crop's swings and the fit's
    reads per (σ limit, RMS limit) (``None`` where the crop failed the loosest gate: never
    read); and per
    growth the glare pass's reads (round 9: its own gate, no swings gate or σ limit, so one
    read per growth serves every setting)."""

    box_swings: int | None
    theta: float
    crops: dict[float, tuple[int, dict[tuple[float, float], list[DecodedCode]] | None]]
    glare: dict[float, list[DecodedCode]]


@dataclass
class StepCache:
    before: list[DecodedCode]  # decode() without the step
    zxing_raw: list[cv.Read]
    on: list[int]  # the step's regions (indices into boxes) with the coarse finder
    off: list[int]  # and without it
    boxes: list[Box]


def _step_boxes(gray: np.ndarray, options=DEFAULT_OPTIONS) -> tuple[list[int], list[int], list]:
    """The step's regions with and without the coarse finder, as ``decode()`` finds them."""
    found = dec._zxing(gray, options.zxing_formats(), options, "zxing")
    grads = gradients(gray, options.regions.work_size)
    regions = find_barcode_regions(gray, options.regions, grads)
    if not found and dec.Symbology.QR in options.formats:
        regions += dec._qr_pass(gray, options, grads)[1]
    on = dec.defocus_step_regions(gray, regions, found, grads, coarse=True)
    off = dec.defocus_step_regions(gray, regions, found, grads, coarse=False)
    unique = list(dict.fromkeys(on + off))
    return [unique.index(r) for r in on], [unique.index(r) for r in off], unique


def step_cache(image: np.ndarray) -> StepCache:
    """Everything a setting of the step can read in this image (the work of every setting)."""
    before = dec.decode(image, replace(DEFAULT_OPTIONS, defocus_step=False))
    raw = bench.read_zxing(image)
    if any(c.confirmed for c in before):  # the step does not run
        return StepCache(before, raw, [], [], [])
    gray = dec._gray(image)
    on, off, regions = _step_boxes(gray)
    df = dec.defocus_options(DEFAULT_OPTIONS)
    assert df is not None
    boxes = []
    loosest = min(SWINGS)
    for region in regions:
        box = gray[region.y : region.bottom, region.x : region.right]
        gate = None if region.angle is None else swings(box, region.angle)
        theta = bar_angle(box, region.angle)
        crops: dict[float, tuple[int, dict[tuple[float, float], list[DecodedCode]] | None]] = {}
        glare = {
            grow: dec.defocus_pass(
                gray, region, GLARE_PASS, replace(df, defocus=DefocusSettings((grow, grow)))
            )
            for grow in GROWS
        }
        for grow in GROWS:
            _, _, crop, _ = across_crop(gray, (region.x, region.y, box), grow, theta=theta)
            n = swings(crop, theta) if crop.size else 0
            if (gate is not None and gate < loosest) or n < loosest:
                crops[grow] = (n, None)
                continue
            reads = {}
            for sigma, error in itertools.product(SIGMAS, ERRORS):
                # the gates are replayed from the swings above: none here
                settings = DefocusSettings((grow, grow), min_swings=0, max_sigma=sigma)
                opts = replace(df, defocus=replace(settings, max_error=error))
                name = DEFOCUS_PASSES[0]
                got = dec.defocus_pass(gray, region, name, opts, angles={region: theta})
                reads[sigma, error] = got
            crops[grow] = (n, reads)
        boxes.append(Box(gate, theta, crops, glare))
    return StepCache(before, raw, on, off, boxes)


def _source_key(data: bytes, kind: str = "photo") -> str:
    source = cv._source_hash() + GRID_VERSION + ("" if kind == "photo" else f" {kind}")
    return hashlib.sha256(data + source.encode()).hexdigest()[:24]


def load_or_run(path: Path, kind: str = "photo") -> StepCache | None:
    """The photo's (or its shopper-like ``kind`` of variant's, ``barcode_cv.variant``) cache."""
    data = path.read_bytes()
    file = CACHE / f"{_source_key(data, kind)}.json"
    if file.is_file():
        return _decoded(json.loads(file.read_text()))
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None
    cached = step_cache(cv.variant(image, kind, path.name))
    CACHE.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(_encoded(cached)))
    return cached


def _encoded(c: StepCache) -> dict:
    def crop(n: int, reads: dict | None) -> list:
        if reads is None:
            return [n, None]
        return [n, [[s, e, [cv._dump(x) for x in r]] for (s, e), r in reads.items()]]

    boxes = [
        [
            b.box_swings,
            b.theta,
            {repr(g): crop(*v) for g, v in b.crops.items()},
            {repr(g): [cv._dump(x) for x in r] for g, r in b.glare.items()},
        ]
        for b in c.boxes
    ]
    before = [[*cv._dump(x), x.confirmed] for x in c.before]
    return {"before": before, "raw": c.zxing_raw, "on": c.on, "off": c.off, "boxes": boxes}


def _decoded(raw: dict) -> StepCache:
    def crop(n: int, reads: dict | None) -> tuple:
        if reads is None:
            return n, None
        return n, {(float(s), float(e)): [cv._load(x) for x in r] for s, e, r in reads}

    boxes = [
        Box(
            gate,
            theta,
            {float(g): crop(*v) for g, v in crops.items()},
            {float(g): [cv._load(x) for x in r] for g, r in glare.items()},
        )
        for gate, theta, crops, glare in raw["boxes"]
    ]
    before = [replace(cv._load(row[:6]), confirmed=row[6]) for row in raw["before"]]
    reads = [tuple(r) for r in raw["raw"]]
    return StepCache(before, reads, raw["on"], raw["off"], boxes)  # type: ignore[arg-type]


def replay(c: StepCache, setting: Setting) -> list[DecodedCode]:
    """What ``decode()`` returns with the step at ``setting`` (``None``: off), from the cache."""
    if setting is None or any(x.confirmed for x in c.before):
        return c.before
    todo = c.on if setting.coarse else c.off
    df = dec.defocus_options(replace(DEFAULT_OPTIONS, defocus=setting))
    assert df is not None

    def run(i: int, name: str) -> list[DecodedCode]:
        box = c.boxes[todo[i]]
        if name.startswith(
            "fit+glare"
        ):  # (only among df's passes with setting.glare)  # its own gate (a turned strip), cached per growth
            return [replace(x, stage=name) for x in box.glare[setting.grow_of(name)]]
        if box.box_swings is not None and box.box_swings < setting.min_swings:
            return []
        n, reads = box.crops[setting.grow_of(name)]
        if reads is None or n < setting.min_swings:
            return []
        return [replace(x, stage=name) for x in reads[setting.max_sigma, setting.max_error]]

    more = dec.confirm_fallback([], [], len(todo), df, run)
    return dec.with_stacked(c.before, more, "defocus")


# --- the search ------------------------------------------------------------------------------


@dataclass
class FoldChoice:
    chosen: list[Setting]
    held_out: list[dict[str, float]]
    raw_held_out: list[dict[str, float]]
    raw_false: list[int]
    fixed: dict[str, list[dict[str, float]]]  # "shipped" (the defaults) and "step off", per fold
    # per fold: did any choice keep the training folds within raw zxing-cpp's false reads?
    # (if not, the step is off by default, not by choice: the rest of the chain broke it)
    within_budget: list[bool]


def search(
    samples: list, cached: list[StepCache], fold: list[int], settings: list[Setting]
) -> FoldChoice:
    """Each fold's setting chosen on the other four (the bench's rule), scored held out."""
    rows = {s: _outcomes(samples, cached, s) for s in settings}
    raw = [
        cv.raw_outcome(s.family, s.expected, c.zxing_raw, bench.canonical)
        for s, c in zip(samples, cached, strict=True)
    ]
    fold_arr = np.array(fold)
    members = [fold_arr == k for k in range(cv.K)]

    def per_fold(outcomes: list[cv.Outcome], what: Callable[[cv.Outcome], int]) -> np.ndarray:
        values = np.array([what(o) for o in outcomes], np.int32)
        return np.array([values[m].sum() for m in members])

    sums = {
        s: (per_fold(r, lambda o: o.hit), per_fold(r, lambda o: o.false)) for s, r in rows.items()
    }
    raw_by_fold = per_fold(raw, lambda o: o.false)
    chosen, held, raw_held, within = [], [], [], []
    for k in range(cv.K):
        best = cv.best_on_training(sums, raw_by_fold, k, cost, OFF)
        chosen.append(best)
        budget = raw_by_fold.sum() - raw_by_fold[k]
        within.append(any(f.sum() - f[k] <= budget for _, f in sums.values()))
        test = [i for i, f in enumerate(fold) if f == k]
        held.append(cv.figures(rows[best][i] for i in test))
        raw_held.append(cv.figures(raw[i] for i in test))
    fixed = {}
    for name, s in (("shipped", DefocusSettings()), ("step off", OFF)):
        r = rows[s] if s in rows else _outcomes(samples, cached, s)
        fixed[name] = [cv.figures(r[i] for i, f in enumerate(fold) if f == k) for k in range(cv.K)]
    return FoldChoice(chosen, held, raw_held, [int(x) for x in raw_by_fold], fixed, within)


def _outcomes(samples: list, cached: list[StepCache], setting: Setting) -> list[cv.Outcome]:
    return [
        cv.outcome(s.family, s.expected, replay(c, setting), bench.canonical, bench._PLUGIN_FAMILY)
        for s, c in zip(samples, cached, strict=True)
    ]


def kept(chosen: list[Setting]) -> Setting:
    """What wins across folds: the step if a majority kept it, then each setting's most
    common value among the folds that kept it (ties to the cheaper, round 8's first)."""
    on = [c for c in chosen if c is not None]
    if len(on) <= cv.K // 2:
        return OFF
    default = DefocusSettings()
    pick = {}
    for name in ("grow", "coarse", "min_swings", "max_sigma", "max_error", "glare"):
        values = [getattr(c, name) for c in on]
        counts = Counter(values)
        top = max(counts.values())
        tied = [v for v in counts if counts[v] == top]
        pick[name] = getattr(default, name) if getattr(default, name) in tied else tied[0]
    return DefocusSettings(**pick)  # type: ignore[arg-type]


COLUMNS = ("EAN-13", "UPC-A", "DataBar", "overall")


def report(title: str, result: FoldChoice, fold: list[int]) -> None:
    print(f"\n{title}")
    head = f"{'fold':6s}{'n':>4s}" + "".join(f"{c:>12s}" for c in COLUMNS)
    head += f"{'false':>7s}{'zxing':>7s}"
    print(head + "   chosen on the other four folds")
    print("-" * (len(head) + 40))
    for k, (choice, fig) in enumerate(zip(result.chosen, result.held_out, strict=True)):
        cells = "".join(cv.cell(fig[c]) for c in COLUMNS)
        print(f"{k:<6d}{fold.count(k):>4d}{cells}{int(fig['false']):>7d}"
              f"{result.raw_false[k]:>7d}   {label(choice)}"
              + ("" if result.within_budget[k] else " (no choice within the false-read "
                 "budget on the training folds: off by default)"))  # fmt: skip
    print("-" * (len(head) + 40))
    rows = [("chosen", result.held_out), ("zxing-cpp", result.raw_held_out)]
    rows += list(result.fixed.items())
    for name, figs in rows:
        cells = "".join(f"{cv.spread([f[c] for f in figs]):>12s}" for c in COLUMNS)
        false = ", ".join(str(int(f["false"])) for f in figs)
        print(f"{name:10s}{cells}   false per fold {false}")
    for name, figs in result.fixed.items():
        hits = ", ".join(
            f"{round(f['overall'] * fold.count(k) / 100)}/{fold.count(k)}"
            for k, f in enumerate(figs)
        )
        print(f"  {name}: photos read per fold {hits}")
    print(f"kept across folds: {label(kept(result.chosen))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=bench.DATA, help="folder with MANIFEST.tsv")
    parser.add_argument("--limit", type=int, default=None, help="use only N photos")
    parser.add_argument(
        "--labels",
        choices=("corrected", "listed", "both"),
        default="both",
        help="score on the reviewed label corrections (bench/barcode_labels.py), as listed, "
        "or both (the same cache)",
    )
    parser.add_argument(
        "--variant",
        choices=cv.VARIANTS,
        default="photo",
        help="search on the photos (default) or on their shopper-like motion/defocus "
        "variants (bench/barcode_cv.py: variant; same folds, raw zxing-cpp on the same frames)",
    )
    args = parser.parse_args(argv)
    if not bench.ready(args.data):
        return 0
    listed = bench.load_manifest(args.data, args.limit)
    start, cpu = time.perf_counter(), time.process_time()
    samples, cached = [], []
    for n, sample in enumerate(listed, 1):
        got = load_or_run(sample.file, args.variant)
        if got is None:
            print(f"warning: cannot read {sample.file}, skipped")
            continue
        samples.append(sample)
        cached.append(got)
        if n % 50 == 0:
            print(f"  cached {n}/{len(listed)}", file=sys.stderr)
    reach = sum(not any(x.confirmed for x in c.before) for c in cached)
    print(f"Photo set: {len(samples)} photos from {args.data.resolve()}, {args.variant} frames; "
          f"{reach} reach the step (nothing accepted without it)")  # fmt: skip
    print(f"cache: {time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU")
    settings = grid()
    print(f"{len(settings)} choices: the step off, or grow pairs of {GROWS}, coarse finder on/off, "
          f"swings gate {SWINGS}, σ limit {MAX_SIGMA:g} or none")  # fmt: skip
    sets = []
    if args.labels in ("listed", "both"):
        sets.append(("listed labels", samples))
    if args.labels in ("corrected", "both"):
        sets.append(("corrected labels", labels.corrected(samples, args.data)[0]))
    for name, rows in sets:
        strata = [s.stratum for s in rows]
        for how, fold in (
            ("stratified", cv.folds(strata)),
            ("grouped", cv.grouped_folds(strata, [s.item for s in rows])),
        ):
            title = f"{cv.K} folds, {how}, {name}: the defocus step chosen on 4, scored on the 5th"
            report(title, search(rows, cached, fold, settings), fold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
