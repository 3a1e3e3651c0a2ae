"""Re-draw a 1D barcode from its averaged bar profile, at several bar-width thresholds.

Along its bars a 1D barcode does not change, so averaging a crop along the bar direction
keeps the code and averages away sensor noise, halftone and dirt. The crop is turned so the
bars stand upright (the direction comes from the gradient structure tensor, as in
:mod:`.regions`), the rows that carry bars are split into a few bands (a tilted or curved
code is straighter in a narrow band), and each band's column mean is upscaled and
thresholded at several levels between its dark and light ends. The levels compensate for
print gain: ink that spreads makes bars wider than nominal and a fixed mid-level threshold
then reads the wrong widths (``upca-4_*`` in the benchmark). The result is one clean,
upright image of stacked bar strips that a reader decodes with rotation off.
"""

from __future__ import annotations

import cv2
import numpy as np

LEVELS = (0.3, 0.5, 0.7)  # thresholds between the dark (0) and light (1) ends of a profile
BANDS = 3  # narrow bands besides the full height, for tilted and curved codes
STRIP = 24  # rows per drawn strip (zxing-cpp wants several agreeing rows)
GAP = 8  # white rows between strips
MAX_WIDTH = 1600  # longest drawn strip


def across_angle(gray: np.ndarray) -> float:
    """Angle (radians) of the dominant gradient direction, i.e. across the bars."""
    g = gray.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    return 0.5 * float(np.arctan2(2 * jxy, jxx - jyy))


def upright(gray: np.ndarray, theta: float) -> np.ndarray:
    """The crop turned so the direction ``theta`` becomes horizontal (bars vertical)."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), float(np.degrees(theta)), 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c), int(h * c + w * s)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(
        gray.astype(np.float32), m, (nw, nh), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip


def profiles(
    gray: np.ndarray, bands: int = BANDS, overlap: bool = False, theta: float | None = None
) -> list[np.ndarray]:
    """Column means of the bar-carrying rows: the full height, then ``bands`` bands side by
    side or, with ``overlap``, ``bands`` bands a third of the height each, spread evenly from
    the top to the bottom (more scanlines of the same height: a short or tilted code gets
    more chances that two of them are clean, round 7). ``theta``: the direction across the
    bars when the caller knows it better than this crop's structure tensor (round 8)."""
    if min(gray.shape[:2]) < 8:
        return []
    turned = upright(gray, across_angle(gray) if theta is None else theta)
    energy = np.abs(cv2.Sobel(turned, cv2.CV_32F, 1, 0, ksize=3)).mean(axis=1)
    rows = np.flatnonzero(energy > 0.5 * energy.max())
    if len(rows) < 3:
        return []
    y0, y1 = int(rows[0]), int(rows[-1]) + 1
    out = [turned[y0:y1].mean(axis=0)]
    if overlap:
        height = (y1 - y0) / 3
        if height >= 3 and bands >= 2:
            tops = [y0 + i * (y1 - y0 - height) / (bands - 1) for i in range(bands)]
            out += [turned[int(t) : int(t + height)].mean(axis=0) for t in tops]
        return out
    step = (y1 - y0) // bands
    if step >= 3:
        out += [turned[y0 + i * step : y0 + (i + 1) * step].mean(axis=0) for i in range(bands)]
    return out


def redrawn(gray: np.ndarray) -> np.ndarray | None:
    """Upright strips of the crop's bar profiles at each level of ``LEVELS``; ``None``
    when the crop has no bar-like rows."""
    strips = []
    for profile in profiles(gray):
        scale = max(1, min(4, MAX_WIDTH // max(1, len(profile))))
        line = cv2.resize(
            profile.reshape(1, -1), (len(profile) * scale, 1), interpolation=cv2.INTER_CUBIC
        ).ravel()
        dark, light = np.percentile(line, 3), np.percentile(line, 97)
        if light - dark < 8:  # flat: no bars here
            continue
        for level in LEVELS:
            bars = np.where(line > dark + level * (light - dark), 255, 0).astype(np.uint8)
            strips += [np.tile(bars, (STRIP, 1)), np.full((GAP, len(line)), 255, np.uint8)]
    if not strips:
        return None
    body = np.vstack(strips)
    return cv2.copyMakeBorder(body, GAP, 0, 20, 20, cv2.BORDER_CONSTANT, value=255)
