"""The ``bars`` fallback pass: bar profiles averaged along the bars and re-drawn upright."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from plugins.scanner_camera.bars import across_angle, profiles, redrawn, upright
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, region_pass, run_region_pass

from .factories import SHARED_BARCODES, render_linear


def _turned(image: np.ndarray, degrees: float) -> np.ndarray:
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderValue=255)


@pytest.mark.parametrize("degrees", [0, 17, 90, -35])
def test_function_upright_stands_the_bars_up(degrees):
    """GIVEN a code turned by any angle WHEN made upright THEN its bars are vertical:
    the gradient points across (horizontally) again."""
    gray = cv2.cvtColor(render_linear("ean13", "490123456789"), cv2.COLOR_BGR2GRAY)
    pad = cv2.copyMakeBorder(gray, 200, 200, 200, 200, cv2.BORDER_CONSTANT, value=255)
    turned = upright(_turned(pad, degrees), across_angle(_turned(pad, degrees)))
    assert abs(np.sin(across_angle(turned.astype(np.uint8)))) < 0.05


@pytest.mark.parametrize("degrees", [0, 25])
def test_function_bars_pass_reads_a_noisy_blurred_code_both_engines(degrees):
    """GIVEN a small, blurred, noisy, tilted UPC-A crop WHEN the bars pass reads it THEN
    zxing and zbar both return its GTIN-13, placed on the whole crop."""
    gray = cv2.cvtColor(render_linear("upca", "03600029145", module_px=2), cv2.COLOR_BGR2GRAY)
    gray = _turned(cv2.copyMakeBorder(gray, 60, 60, 30, 30, cv2.BORDER_CONSTANT, value=255),
                   degrees)  # fmt: skip
    rng = np.random.default_rng(1)
    noisy = cv2.GaussianBlur(gray, (0, 0), 1.0) + rng.normal(0, 12, gray.shape)
    crop = np.clip(noisy, 0, 255).astype(np.uint8)
    h, w = crop.shape
    for name in ("zxing+bars", "zbar+bars"):
        reads = run_region_pass(crop, name, DEFAULT_OPTIONS)
        assert [c.code for c, _ in reads] == ["0036000291452"], name
        assert reads[0][0].corners == ((0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1))


def test_function_bars_pass_on_flat_or_tiny_crops_reads_nothing():
    """GIVEN a crop with no bars (flat grey, noise only, or a sliver) THEN nothing is drawn."""
    flat = np.full((80, 200), 128, np.uint8)
    noise = np.random.default_rng(2).integers(0, 256, (80, 200), dtype=np.uint8)
    assert redrawn(flat) is None
    assert profiles(np.zeros((5, 200), np.uint8)) == []
    for crop in (flat, noise):
        assert run_region_pass(crop, "zxing+bars", DEFAULT_OPTIONS) == []
        assert run_region_pass(crop, "zbar+bars", DEFAULT_OPTIONS) == []


def test_function_bars_pass_reads_a_print_gain_photo_the_other_passes_misread():
    """GIVEN upca-4_5 (sharp, but bars printed off their nominal widths: zxing-cpp and pyzbar
    read nothing at any binariser or scale) WHEN read by the bars pass THEN both engines agree
    on the right code."""
    path = SHARED_BARCODES / "upca" / "zx_upca-4_5.png"
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    crop = gray[40:257, 45:451]
    for name in ("zxing+bars", "zbar+bars"):
        assert [c.code for c, _ in run_region_pass(crop, name, DEFAULT_OPTIONS)] == [
            "0023942431015"
        ]


def test_function_wide_pass_reads_a_region_cut_too_tight_in_frame_pixels():
    """GIVEN a region that cuts off an EAN-13's guards WHEN read by a pass on that region THEN
    nothing; by the same pass ``@wide`` (the region grown by half its size each side) THEN the
    code, with corners in frame pixels around where the code really is."""
    gray = cv2.cvtColor(render_linear("ean13", "490123456789"), cv2.COLOR_BGR2GRAY)
    frame = cv2.copyMakeBorder(gray, 100, 100, 150, 150, cv2.BORDER_CONSTANT, value=255)
    h, w = gray.shape
    x0, y0 = 150 + w // 4, 100 + h // 4  # the middle half of the code only
    crop = frame[y0 : y0 + h // 2, x0 : x0 + w // 2]
    assert region_pass(frame, (x0, y0, crop), "zxing+clahe", DEFAULT_OPTIONS) == []
    codes = region_pass(frame, (x0, y0, crop), "zxing+clahe@wide", DEFAULT_OPTIONS)
    assert [c.code for c in codes] == ["4901234567894"]
    assert codes[0].stage == "zxing+clahe@wide"
    left, top, width, _ = codes[0].box
    assert 150 <= left <= 150 + w // 4 and 100 <= top <= 100 + h and width > w // 2


@pytest.mark.parametrize("name", ["zxing+lclahe", "zbar+lclahe", "zxing+1.5x", "zbar+1.5x",
                                  "zxing+2x~fixed"])  # fmt: skip
def test_function_candidate_passes_read_a_small_code_and_place_it_in_frame_pixels(name):
    """GIVEN a small, softly blurred UPC-A region WHEN read by each candidate pass (stronger
    CLAHE, 1.5× Lanczos, zxing's fixed-threshold binariser on the 2× crop) THEN its GTIN-13,
    with the corners scaled back to frame pixels inside the region."""
    gray = cv2.cvtColor(render_linear("upca", "03600029145", module_px=2), cv2.COLOR_BGR2GRAY)
    crop = cv2.GaussianBlur(cv2.copyMakeBorder(gray, 20, 20, 20, 20, cv2.BORDER_CONSTANT,
                                               value=255), (0, 0), 0.8)  # fmt: skip
    frame = cv2.copyMakeBorder(crop, 50, 50, 70, 70, cv2.BORDER_CONSTANT, value=255)
    codes = region_pass(frame, (70, 50, crop), name, DEFAULT_OPTIONS)
    assert [c.code for c in codes] == ["0036000291452"]
    left, top, width, height = codes[0].box
    assert left >= 70 and left + width <= 70 + crop.shape[1] + 2
    assert top >= 50 and top + height <= 50 + crop.shape[0] + 2
