"""Heavily defocused EAN/UPC: a bar angle label edges do not steer, and a coarser finder.

Round 8 (issue 22). Two things kept the fit engine (:mod:`.ean_fit`) off the defocused
``upca-6_*`` photos although it can read them from a well-placed crop:

* **the bar angle.** :func:`.bars.across_angle` sums the structure tensor over the whole
  crop, so on a crop that holds a label's edges or a box's corner as well as blurred bars,
  the edges win (30–90° off on the ``@wide`` crops). The finder already measures the
  tensor on the coherent patch alone (the bars' interior), so regions now keep that angle
  (:attr:`.regions.Region.angle`); :func:`bar_angle` starts there and turns it by up to
  ±5° to where the averaged 1-D profile across the bars carries most band-passed
  modulation (the right angle keeps the bars apart; a wrong one smears them together:
  ``upca-6_01`` reads at the refined 3°, not at the patch's 2°). Without a patch angle
  (a QR-pass region) it starts from :func:`tensor_angle`, the tensor weighted towards
  many parallel edges, and looks ±15° — good on tight boxes, still steered by a label's
  long, high-contrast sides when the bars are soft (tests).
* **the crop.** The finder's box often cuts the code's end guards (it ends where the
  sharp bars end) and ``@wide`` grows it in every direction until the bar rows are diluted
  by text and label edges. :func:`across_crop` grows the box only *across* the bars.

And three ``upca-6`` photos get no region at all: their bars are too soft for the default
finder's edge threshold. :data:`DEFOCUS_FINDER` is the same finder at half the work scale
(:func:`coarse_gradients`: the default finder's gradient products area-averaged 2×2, a
quarter of the pixels, so it costs about a quarter of a finder run) with a lower edge
threshold — a lower-frequency band; its regions are read after the default finder's, also
where they overlap.

:func:`.decoder.decode` runs this as a last step, only when nothing was accepted: the
default finder's regions, then the coarse finder's (at most :data:`DEFOCUS_REGIONS`), read
by the two :data:`DEFOCUS_PASSES` (the fit engine on the box grown across the bars by 30 %
and by 40 %, both with :func:`bar_angle` from the finder's patch angle); a read needs both,
like every fallback read.
A crop whose profile across the bars does not swing :data:`MIN_SWINGS` times is not fitted
at all: that keeps the fit engine off the coarse finder's regions on clutter (an unreadable
frame would otherwise pay ~1 s of fitting on a fifth of the synthetic empty 720p frames).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from plugins.scanner_camera.ean_fit import SIGMAS
from plugins.scanner_camera.regions import (
    Gradients,
    Region,
    RegionFinderSettings,
    find_barcode_regions,
    gradients,
)

# the default finder's settings at half its work scale (window, areas and extents halved)
# with a lower edge threshold: soft bars, seen at a coarser scale
DEFOCUS_FINDER = RegionFinderSettings(
    window=11, min_edge=25.0, min_area=40, min_across=18.0, min_patch_coherence=0.8
)
# round 9: + the glare pass (:mod:`.glare`) on the same two crops; any two passes confirm
DEFOCUS_PASSES = (
    "fit+bars5@across", "fit+bars5@across2", "fit+glare@across", "fit+glare@across2",
)  # fmt: skip
ACROSS = {"@across": 0.3, "@across2": 0.4}  # growth across the bars, share of the box
DEFOCUS_REGIONS = 3
# no fit blurred past the engine's own grid (refinement nudges σ further; a wrong code then
# fits as well as the right one: ean13-5_13 read as 1638123514082 at σ 2.15)
MAX_SIGMA = SIGMAS[-1]
# the largest RMS error a fit of this step may have (the engine's own: 0.1). Round 9: the
# step's reads need both its passes, two bands each, none disagreeing, so a slightly looser
# fit is taken here (upca-2_44's true code fits at 0.094-0.100 on three bands)
DEFOCUS_MAX_ERROR = 0.11
MIN_SWINGS = 13  # a crop whose profile swings fewer times is not read (see swings())
MIN_SWING = 3.0  # grey levels: a band-passed profile swinging less is flat (the photos: 10–40)
WINDOW = 9  # structure tensor window (crop pixels)
SPAN = 15.0  # degrees either side of the tensor's estimate the modulation search looks
PATCH_SPAN = 5.0  # the same, around the finder's patch angle (already close)
STEP = 1.0  # degrees
BAND = (0.8, 4.0)  # difference of Gaussians (profile samples): the bars' frequencies


@dataclass(frozen=True, slots=True)
class DefocusSettings:
    """The step's settings that were set by hand in round 8, as options, so the benchmark
    can choose them fold by fold (round 9, ``bench/defocus_cv.py``); the defaults are
    round 8's. ``grow``: each of :data:`DEFOCUS_PASSES`' growth across the bars (share of
    the box); ``coarse``: read the coarse finder's regions too; ``min_swings``: the swings
    gate; ``max_sigma``: the most blur a fit may have (``math.inf``: no limit — not
    ``None``, which would give the fit the chain passes' shortlist); round 9: ``max_error``,
    the largest RMS error a fit may have, and ``glare``: run the glare passes too."""

    grow: tuple[float, float] = (ACROSS["@across"], ACROSS["@across2"])
    coarse: bool = True
    min_swings: int = MIN_SWINGS
    max_sigma: float = MAX_SIGMA
    max_error: float = DEFOCUS_MAX_ERROR
    glare: bool = True

    @property
    def passes(self) -> tuple[str, ...]:
        """The step's passes with these settings (the glare passes only with ``glare``)."""
        return tuple(p for p in DEFOCUS_PASSES if self.glare or not p.startswith("fit+glare"))

    def grow_of(self, name: str) -> float:
        """The growth of the pass called ``name`` (one of :data:`DEFOCUS_PASSES`): by its
        crop (``@across``, ``@across2``), which the glare passes share with the fit ones."""
        return self.grow[list(ACROSS).index("@" + name.partition("@")[2])]


def tensor_angle(gray: np.ndarray) -> float:
    """Direction across the bars (radians) from the structure tensor, each pixel weighted
    by its neighbourhood's coherence⁴ and edge density: many parallel edges (bars) count,
    a lone straight edge (a label's border, a box corner) counts little."""
    g = gray.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    k = (WINDOW, WINDOW)
    jxx = cv2.boxFilter(gx * gx, -1, k)
    jyy = cv2.boxFilter(gy * gy, -1, k)
    jxy = cv2.boxFilter(gx * gy, -1, k)
    trace = jxx + jyy + 1e-6
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / trace
    magnitude = cv2.magnitude(gx, gy)
    strong = (magnitude > max(8.0, float(np.percentile(magnitude, 75)))).astype(np.float32)
    density = cv2.boxFilter(strong, -1, (2 * WINDOW + 1, 2 * WINDOW + 1))
    weight = coherence**4 * density  # the tensor itself is already scaled by the trace
    return 0.5 * float(np.arctan2(2 * (weight * jxy).sum(), (weight * (jxx - jyy)).sum()))


def band_profile(gray: np.ndarray, theta: float) -> np.ndarray:
    """The crop's mean profile across direction ``theta`` (bins only where the projection
    covers at least half the longest chord), band-passed to the bars' frequencies."""
    h, w = gray.shape[:2]
    # the same sums as over a full grid of (x, y), broadcast from one row and one column
    # (round 8 cost: a quarter of the time on a 300×500 crop, bit-identical)
    across_x = (np.arange(w) - w / 2) * np.cos(theta)
    across_y = (np.arange(h) - h / 2) * np.sin(theta)
    u = np.round(across_x[None, :] + across_y[:, None]).astype(np.int64)
    u = u.ravel() - u.min()
    count = np.bincount(u)
    total = np.bincount(u, gray.astype(np.float64).ravel())
    keep = count >= 0.5 * count.max()
    profile = (total[keep] / count[keep]).astype(np.float32).reshape(1, -1)
    fine = cv2.GaussianBlur(profile, (0, 0), BAND[0])
    return (fine - cv2.GaussianBlur(profile, (0, 0), BAND[1])).ravel()


def modulation(gray: np.ndarray, theta: float) -> float:
    """Mean band-passed power of the crop's profile across direction ``theta``."""
    return float((band_profile(gray, theta) ** 2).mean())


def swings(gray: np.ndarray, theta: float) -> int:
    """How often the band-passed profile across ``theta`` changes sign between swings of
    at least a quarter of its largest: a UPC-A has 30 bars, and even defocused until the
    narrow ones merge, the photos it reads show 16–26; a cluttered frame's coarse regions
    show 2–5, one 10 (round 8, the synthetic empty 720p and 480p frames)."""
    bp = band_profile(gray, theta)
    top = float(np.abs(bp).max())
    if top < MIN_SWING:  # averaged sensor noise, no bars
        return 0
    big = bp[np.abs(bp) > 0.25 * top]
    return int((np.diff(np.sign(big)) != 0).sum())


def bar_angle(gray: np.ndarray, start: float | None = None) -> float:
    """Direction across the bars (radians): ``start`` (the finder's patch angle,
    :attr:`.regions.Region.angle`) or else :func:`tensor_angle`, then the angle within
    ±``PATCH_SPAN``° (±``SPAN``° around the tensor's) whose profile keeps the most
    :func:`modulation`. The narrow span around the patch angle matters: a label's straight
    sides also modulate a profile, and a wide search can turn to them."""
    span = PATCH_SPAN if start is not None else SPAN
    if start is None:
        start = tensor_angle(gray)
    if min(gray.shape[:2]) < 8:
        return start
    offsets = np.radians(np.arange(-span, span + STEP / 2, STEP))
    scores = [modulation(gray, start + d) for d in offsets]
    return start + float(offsets[int(np.argmax(scores))])


def across_crop(
    gray: np.ndarray,
    crop_at: tuple[int, int, np.ndarray],
    grow: float,
    start: float | None = None,
    theta: float | None = None,
) -> tuple[int, int, np.ndarray, float]:
    """(x0, y0, crop, theta): the box grown across its bars by ``grow`` of its extent across
    them on each side (not along them: that adds text and label edges, not bars), clipped
    to the frame; ``theta`` is :func:`bar_angle` of the box as found, from ``start``
    (or ``theta`` as given: the same box's angle, already found for another pass)."""
    x0, y0, crop = crop_at
    if theta is None:
        theta = bar_angle(crop, start)
    h, w = crop.shape[:2]
    c, s = abs(float(np.cos(theta))), abs(float(np.sin(theta)))
    margin = grow * (w * c + h * s)
    fh, fw = gray.shape[:2]
    x1, y1 = min(fw, int(x0 + w + margin * c)), min(fh, int(y0 + h + margin * s))
    nx, ny = max(0, int(x0 - margin * c)), max(0, int(y0 - margin * s))
    return nx, ny, gray[ny:y1, nx:x1], theta


def defocus_regions(
    gray: np.ndarray, tried: list[Region], grads: Gradients | None = None
) -> list[Region]:
    """The coarse finder's regions, less those that repeat a region already ``tried``.

    A coarse region over the same bars as a default one is kept: its patch is measured
    over softer edges, so its angle and box differ (``upca-2_50``: the default patch says
    −4° and one band reads, the coarse one 0° and two bands do)."""
    coarse = coarse_gradients(grads or gradients(gray, DEFOCUS_FINDER.work_size))
    found = find_barcode_regions(gray, DEFOCUS_FINDER, coarse)
    return [r for r in found if not any(_same(r, t) for t in tried)]


def coarse_gradients(grads: Gradients) -> Gradients:
    """``grads`` at half their scale: each product and magnitude area-averaged over 2×2
    (the structure tensor at the coarser scale, without a second Sobel). The finder reads
    only the products and the magnitude, so ``gx``/``gy`` are not halved (``None``)."""

    def half(a: np.ndarray) -> np.ndarray:
        return cv2.resize(a, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)

    return Gradients(
        grads.work_size, grads.scale * 0.5, grads.height, grads.width,
        None, None, half(grads.gxx), half(grads.gyy), half(grads.gxy2), half(grads.magnitude),
    )  # fmt: skip


def _same(a: Region, b: Region) -> bool:
    """Nearly the same box with nearly the same patch angle (the same work again)."""
    union = a.width * a.height + b.width * b.height - a.shared_area(b)
    if a.shared_area(b) < 0.9 * union:
        return False
    if a.angle is None or b.angle is None:
        return a.angle is b.angle
    return abs(float(np.degrees(a.angle - b.angle))) < 1.0
