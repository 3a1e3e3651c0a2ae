"""Richardson–Lucy deconvolution of a region crop, for the ``rl`` fallback passes.

A defocused camera spreads each point into a disc; Richardson–Lucy estimates the sharp
image that, blurred by that disc, gives the crop (an iterative, non-negative deconvolution:
each step re-blurs the estimate and corrects it by the ratio of the crop to that). The crop
is upscaled 2× first, so the disc is drawn with sub-pixel edges and the reader gets more
pixels per module. Only OpenCV and numpy: two ``filter2D`` calls per step.
"""

from __future__ import annotations

import cv2
import numpy as np

ITERATIONS = 10  # more sharpens noise into false edges (wrong digits) on the photos
UPSCALE = 2


def disc(radius: float) -> np.ndarray:
    """A defocus point-spread function: a disc of ``radius`` pixels, anti-aliased, sum 1."""
    n = int(np.ceil(radius))
    yy, xx = np.mgrid[-n : n + 1, -n : n + 1]
    kernel = np.clip(radius + 0.5 - np.sqrt(xx * xx + yy * yy), 0, 1).astype(np.float32)
    return kernel / kernel.sum()


def deconvolved(crop: np.ndarray, radius: float, iterations: int = ITERATIONS) -> np.ndarray:
    """The grey crop upscaled ``UPSCALE``× and deconvolved with a disc of ``radius`` crop
    pixels (uint8, same shape as the upscaled crop)."""
    big = cv2.resize(crop, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_CUBIC)
    psf = disc(UPSCALE * radius)
    flipped = np.ascontiguousarray(psf[::-1, ::-1])
    observed = big.astype(np.float32) / 255 + 0.01  # offset: no division by zero on black
    estimate = observed.copy()
    for _ in range(iterations):
        blurred = cv2.filter2D(estimate, -1, psf, borderType=cv2.BORDER_REPLICATE)
        ratio = observed / np.maximum(blurred, 1e-3)
        estimate *= cv2.filter2D(ratio, -1, flipped, borderType=cv2.BORDER_REPLICATE)
    return np.clip((estimate - 0.01) * 255, 0, 255).astype(np.uint8)
