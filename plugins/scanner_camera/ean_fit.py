"""Read a defocused EAN-13 / UPC-A by fitting blurred digit patterns to its bar profile.

When a code is defocused until its narrow bars merge, no threshold of the image gives the
bar widths back, so binarising readers (zxing-cpp, zbar) fail. Yet an EAN-13 is fully
determined by where it starts and ends: 95 modules, guards at known places, each digit 7
modules whose first and last module are known from its half (left digits start light and
end dark, right digits the reverse). So, on a profile averaged along the bars
(:func:`.bars.profiles`):

1. candidate ends: runs of dark, at four thresholds, grouped into a block with light on
   both sides at least 5 modules wide (no gap inside a code is wider than 4 modules);
2. the profile becomes *ink* (0 as light as the margins, 1 as dark as the code's darkest:
   a blurred narrow bar is then visibly fainter than a wide one, which is what tells the
   digits apart); around each candidate, a grid of starts, ends, bends (modules growing
   along the code: perspective) and blur widths is tried, each of the 12 digit windows
   compared with the ink of every digit pattern blurred by a Gaussian of that width;
   EAN-13's first digit comes from the best parity pattern of the left half;
3. the best placements are refined against the whole code rendered and blurred (so each
   digit's neighbours are modelled exactly): one digit changed at a time, then the
   placement and blur nudged, while the fit improves;
4. only the best fit is judged: it is accepted only if its parity pattern and check digit
   hold, the rendered code matches the ink closely, and changing any one digit makes the
   match clearly worse. Choosing the best fit *before* looking at the check digit matters:
   picking among many fits one whose check digit holds would turn the check digit's
   1-in-10 guard into none.

:func:`read_profiles` asks several scanline bands (and both directions) and returns a code
only when at least two bands agree and none disagrees. Its ``should_stop`` (the live
pipeline's frame budget) is asked before each placement grid and each refinement, the
steps of a few tens of milliseconds that make up the pass; once true, :class:`Stopped` is
raised and the pass yields nothing (a vote of the bands read so far could differ).
"""

from __future__ import annotations

import functools
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

L_CODES = ("0001101", "0011001", "0010011", "0111101", "0100011",
           "0110001", "0101111", "0111011", "0110111", "0001011")  # fmt: skip
R_CODES = tuple("".join("1" if b == "0" else "0" for b in c) for c in L_CODES)
G_CODES = tuple(c[::-1] for c in R_CODES)
PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
          "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")  # fmt: skip
MODULES = 95
SAMPLES = 5  # profile samples per module
SIGMAS = (0.5, 0.8, 1.1, 1.4, 1.7)  # blur widths tried, in modules
SHIFTS = np.arange(-1.5, 1.51, 0.5)  # start/end offsets tried around a candidate, in modules
BENDS = (-0.12, -0.06, 0.0, 0.06, 0.12)  # module growth along the code (perspective)
MAX_ERROR = 0.1  # RMS ink difference between profile and rendered code
MIN_MARGIN = 0.001  # smallest rise of a digit window's mean squared error when it changes
MIN_BANDS = 2  # scanline bands that must agree
MAX_CANDIDATES = 3  # candidate ends per profile and direction
REFINE = 2  # placements refined per profile (round 6); the fit+bars5 passes refine all
SHORTLIST = 3  # fit+bars5 (round 8): placements refined, ranked by the whole code's fit


def _digit_start(i: int) -> int:
    """First module of digit ``i`` (0–11; the first digit of an EAN-13 is not drawn)."""
    return 3 + 7 * i if i < 6 else 50 + 7 * (i - 6)


def _render(modules: list[float], sigma: float) -> np.ndarray:
    """Ink (1 = bar) of a module sequence, ``SAMPLES`` per module, blurred by ``sigma`` modules."""
    fine = np.repeat(np.array(modules, np.float64), SAMPLES)
    radius = int(np.ceil(3 * sigma * SAMPLES))
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (x / (sigma * SAMPLES)) ** 2)
    padded = np.pad(fine, radius, mode="edge")
    return np.convolve(padded, kernel / kernel.sum(), mode="valid")


def _templates(sigma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blurred ink of the ten L, G and R digits, with one known module either side and a
    half-inked one beyond, sampled over the digit's 7 modules plus half a module each side."""
    out = []
    for codes, before, after in ((L_CODES, "1", "0"), (G_CODES, "1", "0"), (R_CODES, "0", "1")):
        rows = [
            _render([0.5] + [float(b) for b in before + c + after] + [0.5], sigma) for c in codes
        ]
        out.append(np.array(rows)[:, _WINDOW])
    return out[0], out[1], out[2]


# samples of a rendered digit (2 context modules before) that the window compares
_WINDOW = slice(2 * SAMPLES - SAMPLES // 2, 9 * SAMPLES + SAMPLES // 2)
_WIDTH = _WINDOW.stop - _WINDOW.start
_TEMPLATES = {s: _templates(s) for s in SIGMAS}
_IS_G = np.array([[p == "G" for p in pat] for pat in PARITY])  # parity pattern × left digit


@dataclass(frozen=True)
class Fit:
    digits: str  # 13 digits, the first from the parity pattern ("" when it is not valid)
    error: float  # RMS difference between the profile's ink and the rendered code (0–1)
    margin: float  # smallest rise of a digit window's mean squared error when it is changed
    sigma: float


def _candidates(profile: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) of dark blocks that could be a whole EAN-13: dark runs joined over gaps
    narrower than 6 modules, with at least 5 modules of light either side."""
    lo, hi = np.percentile(profile, 5), np.percentile(profile, 95)
    if hi - lo < 10:
        return []
    found: set[tuple[float, float]] = set()
    for level in (0.35, 0.5, 0.65, 0.8):
        dark = profile < lo + level * (hi - lo)
        edges = np.flatnonzero(np.diff(dark.astype(np.int8)))
        starts = list(edges[dark[edges + 1]] + 1)
        ends = list(edges[~dark[edges + 1]] + 1)
        if dark[0]:
            starts.insert(0, 0)
        if dark[-1]:
            ends.append(len(profile))
        if not starts:
            continue
        run_start, run_end = np.array(starts, float), np.array(ends, float)
        gaps = np.append(run_start[1:] - run_end[:-1], 0.0)  # gap after each run
        light_before = np.append(run_start[0], run_start[1:] - run_end[:-1])
        light_after = np.append(run_start[1:] - run_end[:-1], len(profile) - run_end[-1])
        for i in range(len(run_start)):
            if run_start[i] == 0:
                continue
            # blocks from run i to each later run j: widest inner gap, module, margins
            inner = np.maximum.accumulate(np.append(0.0, gaps[i:-1]))
            module = (run_end[i:] - run_start[i]) / MODULES
            ok = (module >= 0.8) & (inner <= 6 * module) & (run_end[i:] < len(profile))
            ok &= np.minimum(light_before[i], light_after[i:]) >= 5 * module
            found.update((float(run_start[i]), float(e)) for e in run_end[i:][ok])
    out: list[tuple[float, float]] = []
    for s, e in sorted(found, key=lambda c: c[0] - c[1]):  # widest first
        # the placement grid already covers ends this close
        if not any(abs(s - a) + abs(e - b) < (b - a) / MODULES for a, b in out):
            out.append((s, e))
    return out[:MAX_CANDIDATES]


def _ink(profile: np.ndarray, start: float, end: float) -> np.ndarray:
    """The profile as ink (1 = as dark as the code's darkest, 0 = as light as its margins)."""
    module = (end - start) / MODULES
    outer = profile[max(0, int(start - 6 * module)) : int(end + 6 * module) + 1]
    inner = profile[int(start) : int(end) + 1]
    light, dark = np.percentile(outer, 95), np.percentile(inner, 3)
    return (light - profile) / max(light - dark, 1e-6)


def _sampled(
    ink: np.ndarray, start: np.ndarray, end: np.ndarray, bend: np.ndarray, idx: np.ndarray
) -> np.ndarray:
    """``ink`` at sample indices ``idx`` (in 1/SAMPLES module, 0 = the code's first module)
    for each placement (start, end, bend); ``bend`` makes modules grow or shrink along the
    code (perspective, a curved surface)."""
    shape = (-1,) + (1,) * idx.ndim
    u = (idx[None] + 0.5) / (MODULES * SAMPLES)
    u = u + bend.reshape(shape) * u * (1 - u)
    pos = start.reshape(shape) + u * (end - start).reshape(shape)
    return np.interp(pos, np.arange(len(ink)), ink)


_FIRST = np.array([_digit_start(i) * SAMPLES - SAMPLES // 2 for i in range(12)])
_DIGIT_IDX = _FIRST[:, None] + np.arange(_WIDTH)[None, :]
_CODE_IDX = np.arange(-3 * SAMPLES, (MODULES + 3) * SAMPLES)


@dataclass(frozen=True)
class Placement:
    """The best digit-by-digit match around one candidate block."""

    error: float  # mean squared difference per sample, digit windows only
    symbols: list[str]  # the 12 drawn digits' module patterns
    ink: np.ndarray  # the profile as ink
    geometry: tuple[float, float, float, float]  # start, end, bend, sigma


def fit(profile: np.ndarray, start: float, end: float) -> Fit | None:
    """The best-fitting reading around the block ``start``–``end`` (profile samples)."""
    placed = place(profile, start, end)
    return None if placed is None else _refined(placed)


def place(profile: np.ndarray, start: float, end: float) -> Placement | None:
    """The placement (start, end, bend) and blur whose digit-by-digit match is best."""
    every = place_per_sigma(profile, start, end)
    return min(every, key=_error) if every else None


def place_per_sigma(profile: np.ndarray, start: float, end: float) -> list[Placement]:
    """Per blur of :data:`SIGMAS`, the placement whose digit-by-digit match is best (round
    9: refining only the overall best can stay in a wrong code's basin, ``upca-2_44``)."""
    ink = _ink(profile, start, end)
    module = (end - start) / MODULES
    offsets = SHIFTS * module
    grid = np.meshgrid(start + offsets, end + offsets, BENDS, indexing="ij")
    starts, ends, bends = (a.ravel() for a in grid)
    windows = _sampled(ink, starts, ends, bends, _DIGIT_IDX)  # placement × digit × sample
    own = (windows**2).sum(axis=(1, 2))
    found: list[Placement] = []
    for sigma in SIGMAS:
        lt, gt, rt = _TEMPLATES[sigma]
        err_l = _sq_dist(windows[:, :6], lt)
        err_g = _sq_dist(windows[:, :6], gt)
        err_r = _sq_dist(windows[:, 6:], rt)
        left = np.where(_IS_G, err_g.min(axis=2)[:, None, :], err_l.min(axis=2)[:, None, :])
        total = left.sum(axis=2).min(axis=1) + err_r.min(axis=2).sum(axis=1) + own
        g = int(np.argmin(total))
        lead = int(np.argmin(left[g].sum(axis=1)))
        bits = [
            (G_CODES if PARITY[lead][i] == "G" else L_CODES)[
                int(np.argmin((err_g if PARITY[lead][i] == "G" else err_l)[g, i]))
            ]
            for i in range(6)
        ] + [R_CODES[int(np.argmin(err_r[g, i]))] for i in range(6)]
        geometry = (float(starts[g]), float(ends[g]), float(bends[g]), sigma)
        found.append(Placement(float(total[g]) / (12 * _WIDTH), bits, ink, geometry))
    return found


def _sq_dist(windows: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """Squared distances, placement × digit × template, less each window's own squared
    norm (the same for every template and σ, so it is added once, by the caller)."""
    return (templates**2).sum(axis=1) - 2 * (windows @ templates.T)


def _as_floats(bits: str) -> np.ndarray:
    return np.array([float(b) for b in bits])


_CHOICES = [L_CODES + G_CODES] * 6 + [R_CODES] * 6
# where each drawn digit's 7 modules sit in _bits' 101 modules
_DIGIT_MODULES = [6 + 7 * i if i < 6 else 53 + 7 * (i - 6) for i in range(12)]
_BITS = {c: _as_floats(c) for c in L_CODES + G_CODES + R_CODES}
_QUIET_START, _CENTRE, _QUIET_END = _as_floats("000101"), _as_floats("01010"), _as_floats("101000")


def _bits(symbols: list[str]) -> np.ndarray:
    """The 101 modules (quiet modules, guards and digits) of a code, 1 = bar."""
    left, right = (_BITS[s] for s in symbols[:6]), (_BITS[s] for s in symbols[6:])
    return np.concatenate([_QUIET_START, *left, _CENTRE, *right, _QUIET_END])


@functools.cache
def _changes(choices: tuple[str, ...], current: str) -> tuple[list[str], np.ndarray]:
    """The other patterns a digit drawn as ``current`` could take, and each one's change of
    the digit's 7 modules (the same for every fit: computed once, round 8)."""
    others = [c for c in choices if c != current]
    return others, np.array([_BITS[c] - _BITS[current] for c in others])


@functools.lru_cache(maxsize=64)
def _blur_matrix(sigma: float) -> np.ndarray:
    """The rendering as a matrix (samples × the 101 modules of :func:`_bits`): rendering is
    linear in the modules, so changing one digit changes the render by 7 columns' worth.
    Each row of the identity rendered at once (OpenCV filters rows; the border replicated
    as :func:`_render` pads)."""
    fine = np.repeat(np.eye(101), SAMPLES, axis=1)
    radius = int(np.ceil(3 * sigma * SAMPLES))
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (x / (sigma * SAMPLES)) ** 2)
    kernel = (kernel / kernel.sum()).reshape(1, -1)
    return cv2.filter2D(fine, -1, kernel, borderType=cv2.BORDER_REPLICATE).T


def _errors(models: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Mean squared difference between each rendered model (rows) and the observed ink
    ``target`` (less its mean, :func:`_centred`), after the best gain and offset: a blurred
    code's darkest point is not full ink, so the ink scale is only roughly right. (Sums over
    the length, not ``mean``: the same numbers without numpy's per-call overhead, round 8.)"""
    n = models.shape[-1]
    centred = models - np.add.reduce(models, axis=-1, keepdims=True) / n
    gain = np.maximum((centred @ target) / np.maximum((centred**2).sum(axis=-1), 1e-9), 0.2)
    return np.add.reduce((gain[..., None] * centred - target) ** 2, axis=-1) / n


def _centred(seen: np.ndarray) -> np.ndarray:
    return seen - np.add.reduce(seen) / len(seen)


def _refined(placed: Placement) -> Fit:
    """Against the whole rendered code (the neighbours' blur then modelled exactly): change
    one digit at a time, then nudge the placement and blur, while the fit improves. The
    margin is the smallest loss from changing any one digit."""
    ink, symbols = placed.ink, list(placed.symbols)
    geometry = list(placed.geometry)
    module = (geometry[1] - geometry[0]) / MODULES
    steps = (0.25 * module, 0.25 * module, 0.03, 0.15)
    blur = _blur_matrix

    def observed(geo: list[float]) -> np.ndarray:
        start, end, bend, _ = (np.array([v]) for v in geo)
        return _sampled(ink, start, end, bend, _CODE_IDX)[0]

    def alternatives(i: int, sym: list[str], sigma: float) -> tuple[list[str], np.ndarray]:
        """The other patterns digit ``i`` could take, and the rendered code with each."""
        others, change = _changes(_CHOICES[i], sym[i])
        m = blur(sigma)
        base = m @ _bits(sym)
        cols = m[:, _DIGIT_MODULES[i] : _DIGIT_MODULES[i] + 7]
        return others, base + change @ cols.T

    seen = _centred(observed(geometry))
    current = float(_errors(blur(geometry[3]) @ _bits(symbols), seen))
    for _ in range(3):
        changed = False
        for i in range(12):
            others, models = alternatives(i, symbols, geometry[3])
            errors = _errors(models, seen)
            j = int(np.argmin(errors))
            if errors[j] < current:
                symbols[i], current, changed = others[j], float(errors[j]), True
        for k, step in enumerate(steps):
            for sign in (-1, 1):
                geo = list(geometry)
                geo[k] += sign * step
                if geo[3] < 0.3:
                    continue
                trial_seen = _centred(observed(geo))
                e = float(_errors(blur(geo[3]) @ _bits(symbols), trial_seen))
                if e < current:
                    geometry, seen, current, changed = geo, trial_seen, e, True
        if not changed:
            break
    # per digit window: the whole code's error rise, over the digit's share of the samples
    rise = min(
        float(_errors(alternatives(i, symbols, geometry[3])[1], seen).min()) for i in range(12)
    )
    margin = (len(seen) / (7 * SAMPLES)) * (rise - current)
    parity = "".join("L" if s in L_CODES else "G" for s in symbols[:6])
    digits = ""
    if parity in PARITY:
        left = [
            str((L_CODES if p == "L" else G_CODES).index(s))
            for p, s in zip(parity, symbols, strict=False)
        ]
        right = [str(R_CODES.index(s)) for s in symbols[6:]]
        digits = str(PARITY.index(parity)) + "".join(left + right)
    return Fit(digits, float(np.sqrt(current)), margin, geometry[3])


def _error(fit: Fit | Placement) -> float:
    return fit.error


def _whole_error(placed: Placement) -> float:
    """Mean squared difference between the ink and the whole code rendered at the
    placement, as :func:`_refined` starts from (one render instead of a refinement)."""
    start, end, bend, _ = (np.array([v]) for v in placed.geometry)
    seen = _centred(_sampled(placed.ink, start, end, bend, _CODE_IDX)[0])
    return float(_errors(_blur_matrix(placed.geometry[3]) @ _bits(placed.symbols), seen))


def check_digit_holds(digits: str) -> bool:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


class Stopped(Exception):  # not an error: the caller asked to stop
    """``should_stop`` said yes in the middle of a fit: the pass is abandoned, no read."""


StopCheck = Callable[[], bool] | None


def _check(should_stop: StopCheck) -> None:
    if should_stop is not None and should_stop():
        raise Stopped


def read_profile(
    profile: np.ndarray,
    refine: int | None = REFINE,
    should_stop: StopCheck = None,
    shortlist: int | None = None,
    max_sigma: float | None = None,
    finest_start: bool = False,
    max_error: float = MAX_ERROR,
) -> str | None:
    """The EAN-13 (13 digits) one bar profile holds, read either way round, or ``None``.
    ``refine``: how many of the best placements are refined (``None``: all of them, or with
    ``shortlist`` the first ``shortlist`` by :func:`_whole_error`).
    ``max_sigma``: a best fit blurred more than this (modules) is not read (round 8: the
    refinement can nudge σ past the grid's 1.7, where narrow bars are gone and a wrong code
    fits as well as the right one, ``ean13-5_13``). ``finest_start``: the finest blur's best
    placement is a starting point too, not only the best of all, and ``max_error`` the largest
    RMS error accepted (round 9, the defocus step, where two passes must agree).
    Raises :class:`Stopped` once ``should_stop`` says yes."""
    placed = []
    for p in (profile, profile[::-1]):
        for start, end in _candidates(p):
            _check(should_stop)
            if finest_start and (every := place_per_sigma(p, start, end)):
                # the best placement and the finest blur's (a sharper start the refinement
                # cannot reach from a blurrier one; the other blurs' starts read nothing
                # more on the photos and cost 2x as much again, round 9)
                best = min(every, key=_error)
                placed += [best] if best is every[0] else [best, every[0]]
            elif (got := place(p, start, end)) is not None:
                placed.append(got)
    if not placed:
        return None
    # only the best fit is judged (see the module docstring); the digit-by-digit match
    # ranks placements roughly (a block half the code's width, with finer modules, can
    # match its digit windows better than the whole code: upca-2_40), so the best are
    # refined against the whole code and the best refined fit is the one judged
    if refine is None and shortlist is not None:
        # round 8: rank by the whole code rendered at the placement (what refining starts
        # from; it does not rank half-width blocks first, as the digit-by-digit match does)
        # and refine only the first few
        ranked = sorted(placed, key=_whole_error)[:shortlist]
    else:
        ranked = sorted(placed, key=_error)[:refine]
    refined = []
    for p in ranked:
        _check(should_stop)
        refined.append(_refined(p))
    best = min(refined, key=_error)
    if not best.digits or not check_digit_holds(best.digits):
        return None
    good = best.error <= max_error and best.margin >= MIN_MARGIN
    if max_sigma is not None and best.sigma > max_sigma:
        return None
    return best.digits if good else None


def read_profiles(
    profiles: list[np.ndarray],
    refine: int | None = REFINE,
    should_stop: StopCheck = None,
    shortlist: int | None = None,
    max_sigma: float | None = None,
    finest_start: bool = False,
    max_error: float = MAX_ERROR,
) -> str | None:
    """A code at least ``MIN_BANDS`` scanline bands read, when no band read another one.
    Raises :class:`Stopped` once ``should_stop`` says yes."""
    reads: Counter[str] = Counter()
    for n, profile in enumerate(profiles):
        # stop once the outcome is settled (round 8): two codes already disagree, or the
        # bands left cannot bring any code up to MIN_BANDS
        if len(reads) > 1 or max(reads.values(), default=0) + len(profiles) - n < MIN_BANDS:
            return None
        _check(should_stop)  # a remembered band costs nothing, but the pass still stops
        code = _memo_read(
            profile, refine, should_stop, shortlist, max_sigma, finest_start, max_error
        )
        if code is not None:
            reads[code] += 1
    if len(reads) != 1:
        return None
    code, count = reads.most_common(1)[0]
    return code if count >= MIN_BANDS else None


_MemoKey = tuple[bytes, int | None, int | None, float | None, bool, float]
_MEMO: OrderedDict[_MemoKey, str | None] = OrderedDict()
MEMO_SIZE = 64  # bar profiles remembered: a frame's regions and their @wide crops
_MEMO_LOCK = threading.Lock()


def _memo_read(
    profile: np.ndarray,
    refine: int | None,
    should_stop: StopCheck,
    shortlist: int | None,
    max_sigma: float | None,
    finest_start: bool = False,
    max_error: float = MAX_ERROR,
) -> str | None:
    """:func:`read_profile`, remembered by the profile's bytes: an ``@wide`` crop clipped to
    a small frame can be the very crop another region's ``@wide`` pass read (round 8: two
    unread photos, half their fit work). A stopped read is not remembered."""
    raw = np.ascontiguousarray(profile).tobytes()
    key = (raw, refine, shortlist, max_sigma, finest_start, max_error)
    with _MEMO_LOCK:  # two decoder threads (two cameras) may share it
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    code = read_profile(profile, refine, should_stop, shortlist, max_sigma, finest_start, max_error)
    with _MEMO_LOCK:
        _MEMO[key] = code
        if len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return code
