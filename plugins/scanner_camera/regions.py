"""A cheap finder for barcode-like regions, so the expensive decoder passes run only there.

A 1D barcode is a patch where almost every pixel sits on a strong edge and all edges point
the same way, and the patch is wide *across* its bars (a single line or the edge of a box is
coherent too, but thin across). We measure that with the gradient structure tensor on a
downscaled grey frame: a few box filters, no learning, about 5–10 ms for a 720p frame on one
core. QR codes are not found here; the decoder asks zxing-cpp for QR candidates instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

MERGE_OVERLAP = 0.3


@dataclass(frozen=True, slots=True)
class Region:
    """An axis-aligned box in frame pixels, already widened to include the quiet zones."""

    x: int
    y: int
    width: int
    height: int
    score: int  # area of the coherent patch at work scale; larger is more barcode-like
    # direction across the bars (radians) from the coherent patch's own pixels, not the
    # box's (round 8: a box also holds label edges); None for boxes not from the finder
    angle: float | None = None

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.width and self.y <= y <= self.y + self.height

    def shared_area(self, other: Region) -> int:
        w = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        h = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        return max(0, w) * max(0, h)


@dataclass(frozen=True, slots=True)
class RegionFinderSettings:
    work_size: int = 640  # longest side the frame is scaled down to
    window: int = 15  # box filter size (work pixels)
    min_coherence: float = 0.75  # 1.0: all gradients parallel
    min_edge_fraction: float = 0.3  # share of the window on strong edges
    min_edge: float = 40.0  # Sobel magnitude that counts as an edge
    min_area: int = 150  # work pixels
    min_across: float = 36.0  # work pixels across the bars
    min_across_ratio: float = 0.5  # across / along the bars
    min_patch_coherence: float = 0.9  # the whole patch points one way (not crossing lines)
    join: int = 0  # dilation before labelling (0: none; halves are merged as boxes instead)
    widen: float = 0.35  # extra width across the bars, for quiet zones and guards


@dataclass(frozen=True, slots=True)
class Gradients:
    """A frame's work-scale gradients and their products: what two finder runs with
    different windows share (the stacked-DataBar step, :mod:`.databar`)."""

    work_size: int
    scale: float
    height: int
    width: int
    gx: np.ndarray | None  # None in :func:`.defocus.coarse_gradients` (the finder needs
    gy: np.ndarray | None  # only the products and the magnitude)
    gxx: np.ndarray
    gyy: np.ndarray
    gxy2: np.ndarray  # 2·gx·gy
    magnitude: np.ndarray
    # the grey frame at work scale: the QR-only pass scales to the same size (round 8 cost)
    small: np.ndarray | None = None


def gradients(gray: np.ndarray, work_size: int) -> Gradients:
    """Sobel gradients of ``gray`` scaled down so its longest side is at most ``work_size``."""
    height, width = gray.shape[:2]
    scale = min(1.0, work_size / max(height, width))
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1.0
        else gray
    )
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    return Gradients(
        work_size, scale, height, width, gx, gy,
        cv2.multiply(gx, gx), cv2.multiply(gy, gy), cv2.multiply(gx, gy, scale=2.0),
        cv2.magnitude(gx, gy), small,
    )  # fmt: skip


def find_barcode_regions(
    gray: np.ndarray, settings: RegionFinderSettings | None = None, grads: Gradients | None = None
) -> list[Region]:
    """Return barcode-like regions of a grey (uint8) frame, most barcode-like first.

    ``grads``: this frame's :func:`gradients` at ``settings.work_size``, when already made."""
    s = settings or RegionFinderSettings()
    if grads is None or grads.work_size != s.work_size:
        grads = gradients(gray, s.work_size)
    scale, height, width = grads.scale, grads.height, grads.width
    k = (s.window, s.window)
    strong = cv2.compare(grads.magnitude, s.min_edge, cv2.CMP_GT)
    dense = cv2.compare(cv2.boxFilter(strong, -1, k), s.min_edge_fraction * 255, cv2.CMP_GT)
    if _too_sparse(dense, s):
        return []
    jxx = cv2.boxFilter(grads.gxx, -1, k)
    jyy = cv2.boxFilter(grads.gyy, -1, k)
    jxy2 = cv2.boxFilter(grads.gxy2, -1, k)  # 2·Jxy
    anisotropy = cv2.magnitude(cv2.subtract(jxx, jyy), jxy2)
    coherent = cv2.compare(anisotropy, cv2.multiply(cv2.add(jxx, jyy), s.min_coherence), cv2.CMP_GT)
    mask = cv2.bitwise_and(coherent, dense)
    if s.join:
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (s.join, s.join)))
    # 16-bit labels: half the time of 32-bit ones (the finder runs twice on a frame with no
    # read since round 7); a box-filtered mask never holds 65,535 separate blobs
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_16U)
    big = (stats[:, cv2.CC_STAT_AREA] >= s.min_area) & (
        np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= s.min_across
    )
    found: list[Region] = []
    rows = stats.tolist()  # Python ints once, not five conversions per blob
    for i in (np.flatnonzero(big[1:]) + 1).tolist():
        x, y, w, h, area = rows[i]
        box = (slice(y, y + h), slice(x, x + w))
        inside = labels[box] == i
        if _surely_rejected(inside, jxx[box], jyy[box], jxy2[box], s):
            continue
        sxx = float(jxx[box][inside].sum())
        syy = float(jyy[box][inside].sum())
        sxy2 = float(jxy2[box][inside].sum())
        if np.hypot(sxx - syy, sxy2) < s.min_patch_coherence * (sxx + syy):
            continue
        theta = 0.5 * np.arctan2(sxy2, sxx - syy)  # direction across the bars
        ys, xs = np.nonzero(inside)
        cos, sin = float(np.cos(theta)), float(np.sin(theta))
        across = float(np.sqrt(12.0 * (xs * cos + ys * sin).var()))  # extent of a uniform blob
        along = float(np.sqrt(12.0 * (ys * cos - xs * sin).var()))
        if across < s.min_across or across < s.min_across_ratio * along:
            continue
        grow_across, grow_along = s.widen * across + 8, 0.1 * along + 4
        mx = abs(cos) * grow_across + abs(sin) * grow_along
        my = abs(sin) * grow_across + abs(cos) * grow_along
        x0, y0 = max(0.0, (x - mx) / scale), max(0.0, (y - my) / scale)
        x1, y1 = min(width, (x + w + mx) / scale), min(height, (y + h + my) / scale)
        found.append(Region(int(x0), int(y0), int(x1 - x0), int(y1 - y0), area, float(theta)))
    return _merged(found)


def _too_sparse(dense: np.ndarray, s: RegionFinderSettings) -> bool:
    """True when ``dense`` holds fewer pixels than one blob needs: every blob lies within it
    (without ``join``), so no region can come out (a plain surface, sensor noise; round 9
    cost). The three box filters and the masks after this are most of a finder run."""
    return not s.join and cv2.countNonZero(dense) < s.min_area


# The pre-test's slack. Its sums are in float64 (cv2.mean), the exact test's in float32
# (numpy's pairwise sum): they differ by a few 1e-6 of the tensor's trace on the largest
# blobs (float32 rounding over 1e5 pixels), so the coherence by < 1e-5 and the angle by
# < 1e-5 rad; the slack is ten times that.
SURE_COHERENCE = 1e-4
SURE_ANGLE = 1e-4  # radians, at coherence 1 (divided by the coherence)
SURE_VAR = 1e-9  # relative: the moments' variances against numpy's (~1e-14 apart)


def _surely_rejected(
    inside: np.ndarray, jxx: np.ndarray, jyy: np.ndarray, jxy2: np.ndarray, s: RegionFinderSettings
) -> bool:
    """True when the blob ``inside`` certainly fails the patch tests of
    :func:`find_barcode_regions` (its coherence, or its extent across the bars), judged from
    float64 sums (:func:`cv2.mean` under the blob) and its second moments
    (:func:`cv2.moments`) — a few OpenCV calls instead of three numpy gathers and two
    coordinate variances (round 9 cost: most blobs on clutter are coherent but thin across
    and stop here). A blob near a threshold is left to the exact test, so the regions are
    the same bit for bit."""
    mask = inside.view(np.uint8)
    mxx, myy, mxy2 = cv2.mean(jxx, mask)[0], cv2.mean(jyy, mask)[0], cv2.mean(jxy2, mask)[0]
    trace = mxx + myy
    if trace <= 0:  # cannot happen on a blob of strong edges; the exact test decides
        return False
    coherence = math.hypot(mxx - myy, mxy2) / trace
    if coherence < s.min_patch_coherence - SURE_COHERENCE:
        return True
    if coherence < s.min_patch_coherence:  # near the threshold: the exact test decides
        return False
    m = cv2.moments(mask, binaryImage=True)
    n = m["m00"]
    mu20, mu02, mu11 = m["mu20"] / n, m["mu02"] / n, m["mu11"] / n
    theta = 0.5 * math.atan2(mxy2, mxx - myy)
    cos, sin = math.cos(theta), math.sin(theta)
    # the angle's error grows as the coherence falls (the same sums' error over a shorter
    # vector); the variances across and along move by up to spread·2·angle error
    angle = SURE_ANGLE / max(coherence, 1e-6)
    slack = 2 * angle * math.hypot(mu20 - mu02, 2 * mu11) + SURE_VAR * (mu20 + mu02)
    var_across = mu20 * cos * cos + 2 * mu11 * cos * sin + mu02 * sin * sin + slack
    var_along = max(0.0, mu02 * cos * cos - 2 * mu11 * cos * sin + mu20 * sin * sin - slack)
    across, along = math.sqrt(12.0 * var_across), math.sqrt(12.0 * var_along)
    return across < s.min_across or across < s.min_across_ratio * along


def _merged(regions: list[Region]) -> list[Region]:
    """Union boxes that mostly overlap (the two halves of an EAN), most barcode-like first.

    Two codes printed one above the other only touch at their margins and stay apart.
    """
    pending = sorted(regions, key=lambda r: r.score, reverse=True)
    out: list[Region] = []
    while pending:
        box = pending.pop(0)
        changed = True
        while changed:
            changed = False
            for other in pending:
                smaller = min(box.width * box.height, other.width * other.height)
                if box.shared_area(other) >= MERGE_OVERLAP * smaller:
                    x0, y0 = min(box.x, other.x), min(box.y, other.y)
                    x1 = max(box.x + box.width, other.x + other.width)
                    y1 = max(box.y + box.height, other.y + other.height)
                    box = Region(x0, y0, x1 - x0, y1 - y0, box.score + other.score, box.angle)
                    pending.remove(other)
                    changed = True
                    break
        out.append(box)
    return sorted(out, key=lambda r: r.score, reverse=True)
