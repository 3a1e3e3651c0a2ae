"""The ``rl`` fallback passes: Richardson–Lucy deconvolution of a defocus disc."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from plugins.scanner_camera.deblur import UPSCALE, deconvolved, disc
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, region_pass

from .factories import render_linear


def _defocused(module_px: int, radius: float) -> np.ndarray:
    gray = cv2.cvtColor(render_linear("upca", "03600029145", module_px=module_px),
                        cv2.COLOR_BGR2GRAY)  # fmt: skip
    sharp = cv2.copyMakeBorder(gray, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
    blurred = cv2.filter2D(sharp.astype(np.float32), -1, disc(radius))
    noise = np.random.default_rng(2).normal(0, 2, sharp.shape)
    return np.clip(blurred + noise, 0, 255).astype(np.uint8)


def test_function_disc_is_a_normalised_round_kernel():
    kernel = disc(3.0)
    assert kernel.shape == (7, 7)
    assert kernel.sum() == pytest.approx(1.0)
    assert kernel[3, 3] == kernel.max() and kernel[0, 0] == 0
    assert np.allclose(kernel, kernel.T) and np.allclose(kernel, kernel[::-1, ::-1])


def test_function_deconvolution_restores_contrast_of_a_blurred_edge_pattern():
    """GIVEN bars blurred by a disc WHEN deconvolved with that disc THEN the upscaled result
    is closer to the sharp bars than the blurred one is (and keeps the upscaled shape)."""
    bars = np.tile(np.repeat(np.array([0, 255] * 12, np.uint8), 4), (30, 1))
    blurred = cv2.filter2D(bars.astype(np.float32), -1, disc(2.5)).astype(np.uint8)
    out = deconvolved(blurred, 2.5)
    assert out.shape == (UPSCALE * bars.shape[0], UPSCALE * bars.shape[1])
    sharp = cv2.resize(bars, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_NEAREST)
    big = cv2.resize(blurred, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_CUBIC)
    inner = np.s_[10:-10, 20:-20]
    error = np.abs(out[inner].astype(int) - sharp[inner]).mean()
    assert error < 0.7 * np.abs(big[inner].astype(int) - sharp[inner]).mean()


@pytest.mark.parametrize(("module_px", "radius", "name"),
                         [(2, 2.0, "zxing+rl1.5"), (3, 3.5, "zxing+rl3")])  # fmt: skip
def test_function_rl_pass_reads_a_defocused_code_the_raw_passes_cannot(module_px, radius, name):
    """GIVEN a UPC-A defocused by a disc wider than a module, with sensor noise, WHEN the
    raw passes read it THEN nothing; WHEN the rl pass for that blur reads it THEN its
    GTIN-13, with the corners scaled back from the 2× copy to frame pixels in the region."""
    crop = _defocused(module_px, radius)
    frame = cv2.copyMakeBorder(crop, 50, 50, 70, 70, cv2.BORDER_CONSTANT, value=255)
    for raw in ("zxing+raw", "zbar+raw"):
        assert region_pass(frame, (70, 50, crop), raw, DEFAULT_OPTIONS) == []
    codes = region_pass(frame, (70, 50, crop), name, DEFAULT_OPTIONS)
    assert [c.code for c in codes] == ["0036000291452"]
    assert codes[0].stage == name
    left, top, width, height = codes[0].box
    assert left >= 70 and left + width <= 70 + crop.shape[1] + 2
    assert top >= 50 and top + height <= 50 + crop.shape[0] + 2


@pytest.mark.parametrize("name", ["zxing+rl1.5", "zbar+rl1.5", "zxing+rl3", "zbar+rl3"])
def test_function_rl_pass_reads_nothing_in_noise_or_on_a_flat_crop(name):
    """Deconvolution sharpens noise too: it must not turn noise into a code."""
    rng = np.random.default_rng(5)
    noise = np.clip(rng.normal(128, 40, (120, 240)), 0, 255).astype(np.uint8)
    flat = np.full((120, 240), 200, np.uint8)
    for crop in (noise, flat):
        frame = cv2.copyMakeBorder(crop, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)
        assert region_pass(frame, (10, 10, crop), name, DEFAULT_OPTIONS) == []


def test_function_rl_pass_skips_crops_too_large_to_upscale():
    crop = np.full((100, DEFAULT_OPTIONS.upscale_below), 255, np.uint8)
    assert region_pass(crop, (0, 0, crop), "zxing+rl3", DEFAULT_OPTIONS) == []
