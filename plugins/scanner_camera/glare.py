"""EAN-13 / UPC-A under a glare band that turns the bars' contrast round.

Round 9 (issue 22). On a glossy can (``upca-3_03``, ``upca-3_10``) the specular band makes
the printed ink *brighter* than the paper over part of the bars' height: there, rows of the
code are the negative of the rows below them (correlation −0.4 to −0.7 with the bottom
rows, against +0.7 to +1 for their neighbours). Averaging along the bars, as
:func:`.bars.profiles` does, then adds the code to its own negative, and the contrast left
(1–10 % of the grey level) is not the code any more — no band of the fit engine reads,
and the expected code fits no averaged band better than RMS 0.18.

So this pass averages *signed* strips: the bar rows are cut into strips of
:data:`STRIP` rows, each strip's profile is band-passed (its slow light level taken off)
and scaled by its local contrast, and the strips are added weighted by their correlation
with a reference strip (the one that correlates most, in either sign, with all the
others) — an inverted strip then adds with its sign turned.
The result's overall polarity is unknown (the reference strip may be an inverted one), so
both are read. Reading is the fit engine's (:mod:`.ean_fit`) on three bands (all strips
that carry the code, the top two thirds and the bottom two thirds of them), with its own
acceptance: band-passing takes the slow part of a blurred code away, so even a clean
render's right code fits at RMS ≈ 0.125 (the photos: 0.12–0.146), above the engine's 0.1;
a fit must be within :data:`MAX_ERROR` and, in return, changing any one digit must cost
:data:`MIN_MARGIN` — fifteen times the engine's (the right code's margin on the photos
0.018–0.046, the wrong codes' under 0.011). A code is returned only when two bands agree
and no band, in either polarity, reads another. These two limits were set looking at
``upca-3_03``/``_10`` (not fold-blind); the guard is that no other photo reads through
this pass (round 9, docs/camera-scanning.md).

The pass runs only where the turn is seen (:func:`inverted`: at least :data:`MIN_INVERTED`
strips correlate by −:data:`INVERTED` or less with the reference), so a code that is
merely faint or defocused is left to the other passes.
"""

from __future__ import annotations

from collections import Counter

import cv2
import numpy as np

from plugins.scanner_camera import ean_fit
from plugins.scanner_camera.bars import upright
from plugins.scanner_camera.ean_fit import StopCheck

STRIP = 8  # rows per strip
HIGH_PASS = 6.0  # σ (samples) of the light level taken off each strip's profile
CONTRAST = 12.0  # σ (samples) of the local contrast each strip is scaled by
INVERTED = 0.3  # a strip correlating by −INVERTED or less with the reference is turned
MIN_INVERTED = 2  # strips that must be turned for the pass to run
MAX_ERROR = 0.15  # RMS ink difference (the engine's: 0.1)
MIN_MARGIN = 0.015  # rise of a digit window's squared error (the engine's: 0.001)
LEVEL, SWING = 200.0, 40.0  # the signed profile drawn as light paper with 40 levels of ink


def strips(turned: np.ndarray) -> list[np.ndarray]:
    """Band-passed, contrast-scaled profiles of the crop's :data:`STRIP`-row strips. All
    rows: the glare rows carry little edge energy (their contrast is turned and low), and
    rows without bars (a label's border, text) get little weight in :func:`signed_profiles`
    anyway, as they correlate with no bar strip."""
    n, width = turned.shape[0] // STRIP, turned.shape[1]
    if n == 0:
        return []
    body = turned[: n * STRIP].astype(np.float32).reshape(n, STRIP, width).mean(axis=1)
    # every strip at once, blurred along its row only (a kernel one row high), with the
    # kernel sizes OpenCV picks for a float image from σ alone: the same as one row at a time
    p = body - cv2.GaussianBlur(body, (_ksize(HIGH_PASS), 1), HIGH_PASS)
    local = cv2.GaussianBlur(p * p, (_ksize(CONTRAST), 1), CONTRAST)
    return list(p / np.sqrt(local + 1.0))


def _ksize(sigma: float) -> int:
    return round(sigma * 8 + 1) | 1


def correlations(parts: list[np.ndarray]) -> np.ndarray:
    """Each strip's correlation with the reference strip: the one that correlates most, in
    either sign, with all the others (a bar strip: bar strips match each other, turned or
    not; a border or a line of text matches none)."""
    z = np.array(parts, np.float32)
    z -= z.mean(axis=1, keepdims=True)
    z /= np.maximum(np.sqrt((z * z).sum(axis=1, keepdims=True)), 1e-6)  # a flat strip: 0
    # OpenCV's product, not numpy's: BLAS threads cost several times the CPU on a busy
    # machine (22 vs 1 ms for 117 strips); the decoder runs with one OpenCV thread
    matrix = cv2.mulTransposed(z, False)
    return matrix[int(np.argmax(np.abs(matrix).sum(axis=1)))]


def inverted(parts: list[np.ndarray]) -> bool:
    """Whether some strips are the negative of the reference (a glare band turned them)."""
    if len(parts) < 3:
        return False
    c = correlations(parts)
    return int((c <= -INVERTED).sum()) >= MIN_INVERTED and int((c >= INVERTED).sum()) > MIN_INVERTED


def signed_profiles(parts: list[np.ndarray]) -> list[np.ndarray]:
    """The strips that carry the code (correlation ±:data:`INVERTED` or more) added with
    their correlation as weight: all, the top two thirds and the bottom two thirds of them
    (three bands), each drawn as paper at :data:`LEVEL` with bars
    :data:`SWING` levels deep, in the reference strip's polarity."""
    weights = correlations(parts)
    # the strips that carry the code, turned or not (the rest: a border, text, the label)
    keep = np.abs(weights) >= INVERTED
    weights, parts = weights[keep], [p for p, k in zip(parts, keep, strict=True) if k]
    n = len(parts)
    out = []
    for lo, hi in ((0, n), (0, max(2, 2 * n // 3)), (n // 3, n)):
        w = weights[lo:hi]
        sum_ = np.sum([a * p for a, p in zip(w, parts[lo:hi], strict=True)], axis=0)
        combined = sum_ / max(float(np.abs(w).sum()), 1e-6)
        out.append(LEVEL + SWING * combined / max(float(np.abs(combined).max()), 1e-6))
    return out


def read_band(profile: np.ndarray, should_stop: StopCheck = None) -> str | None:
    """The fit engine's best refined fit of one band, either way round, judged by this
    pass's limits (:data:`MAX_ERROR`, :data:`MIN_MARGIN`); only the best is judged, as in
    :func:`.ean_fit.read_profile`."""
    best: ean_fit.Fit | None = None
    for p in (profile, profile[::-1]):
        for start, end in ean_fit._candidates(p):
            ean_fit._check(should_stop)
            placed = ean_fit.place(p, start, end)
            if placed is None:
                continue
            got = ean_fit._refined(placed)
            if best is None or got.error < best.error:
                best = got
    if best is None or not best.digits or not ean_fit.check_digit_holds(best.digits):
        return None
    return best.digits if best.error <= MAX_ERROR and best.margin >= MIN_MARGIN else None


def turned(box: np.ndarray, theta: float) -> bool:
    """Whether a region's box, bars at ``theta``, has turned strips (:func:`inverted`): the
    gate the decoder asks once per region, before either grown crop is read. At full
    resolution: shrunk to 320 px, the box of one synthetic empty 720p frame passed it."""
    return min(box.shape[:2]) >= 3 * STRIP and inverted(strips(upright(box, theta)))


def read_glare(crop: np.ndarray, theta: float, should_stop: StopCheck = None) -> str | None:
    """The EAN-13 (13 digits) a crop whose bars stand at ``theta`` holds under a contrast-
    turning glare band, or ``None`` (also when no strip is turned). Raises
    :class:`.ean_fit.Stopped` once ``should_stop`` says yes."""
    if min(crop.shape[:2]) < 3 * STRIP:
        return None
    parts = strips(upright(crop, theta))
    if not inverted(parts):
        return None
    reads: Counter[str] = Counter()
    for profile in signed_profiles(parts):
        for sign in (1.0, -1.0):
            code = read_band(LEVEL + sign * (profile - LEVEL), should_stop)
            if code is not None:
                reads[code] += 1
    if len(reads) != 1:
        return None
    code, count = reads.most_common(1)[0]
    return code if count >= ean_fit.MIN_BANDS else None
