"""The ``fit`` engine: blurred EAN-13/UPC-A digit patterns fitted to an averaged bar profile."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from plugins.scanner_camera import ean_fit
from plugins.scanner_camera.bars import profiles
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, region_pass

from .factories import not_ean_crops


def _modules(digits: str) -> str:
    """The 95 modules (1 = bar) of an EAN-13, drawn from the same tables the engine uses
    but without computing a check digit: ``digits`` may carry a wrong one."""
    parity = ean_fit.PARITY[int(digits[0])]
    left = "".join(
        (ean_fit.L_CODES if p == "L" else ean_fit.G_CODES)[int(d)]
        for p, d in zip(parity, digits[1:7], strict=True)
    )
    right = "".join(ean_fit.R_CODES[int(d)] for d in digits[7:])
    return "101" + left + "01010" + right + "101"


def _defocused(modules: str, module_px: float, sigma_modules: float, seed: int = 3) -> np.ndarray:
    """A grey crop of the bars (12 light modules either side) blurred by a Gaussian of
    ``sigma_modules`` modules, with sensor noise."""
    line = np.array([0.0] * 12 + [float(b) for b in modules] + [0.0] * 12)
    width = int(len(line) * module_px)
    x = (np.arange(width) + 0.5) / module_px
    ink = line[np.minimum(x.astype(int), len(line) - 1)]
    img = np.tile(200 - 170 * ink, (90, 1)).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), sigmaX=sigma_modules * module_px, sigmaY=0.5)
    noise = np.random.default_rng(seed).normal(0, 3, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def test_function_check_digit():
    assert ean_fit.check_digit_holds("4901234567894")
    assert not ean_fit.check_digit_holds("4901234567895")


@pytest.mark.parametrize("code", ["4901234567894", "0036000291452", "9780345348036"])
def test_function_fit_reads_a_code_defocused_until_narrow_bars_merge(code):
    """GIVEN an EAN-13 / UPC-A at 2 px per module, blurred by a Gaussian of 1.2 modules (a
    one-module bar keeps under half its contrast), tilted by 2°, with noise, WHEN the
    readers read it THEN zxing-cpp and zbar read nothing, and the fit engine reads it."""
    crop = _defocused(_modules(code), 2.0, 1.2)
    m = cv2.getRotationMatrix2D((crop.shape[1] / 2, crop.shape[0] / 2), 2, 1.0)
    crop = cv2.warpAffine(crop, m, crop.shape[::-1], borderMode=cv2.BORDER_REPLICATE)
    for name in ("zxing+raw", "zbar+raw", "zxing+bars", "zbar+bars"):
        assert region_pass(crop, (0, 0, crop), name, DEFAULT_OPTIONS) == [], name
    assert ean_fit.read_profiles(profiles(crop)) == code
    codes = region_pass(crop, (0, 0, crop), "fit+bars", DEFAULT_OPTIONS)
    assert [(c.code, c.engine, c.stage) for c in codes] == [(code, "fit", "fit+bars")]
    assert codes[0].box == (0, 0, crop.shape[1], crop.shape[0])


def test_function_fit_reads_a_code_upside_down():
    crop = _defocused(_modules("4901234567894"), 2.5, 0.9)[:, ::-1]
    assert ean_fit.read_profiles(profiles(np.ascontiguousarray(crop))) == "4901234567894"


def test_function_a_code_with_a_wrong_check_digit_is_not_read_as_a_near_valid_one():
    """GIVEN a sharp-ish code drawn with a wrong check digit WHEN fitted THEN nothing: the
    engine judges only its best fit, it does not search for a reading whose check holds."""
    crop = _defocused(_modules("4901234567895"), 3.0, 0.6)
    assert ean_fit.read_profiles(profiles(crop)) is None


def test_function_fit_reads_nothing_in_noise_flat_crops_or_other_symbologies():
    for crop in not_ean_crops():
        assert ean_fit.read_profiles(profiles(crop)) is None
        assert region_pass(crop, (0, 0, crop), "fit+bars", DEFAULT_OPTIONS) == []


def test_function_one_band_is_not_enough():
    """GIVEN profiles of which only one holds the code THEN nothing (two bands must agree)."""
    good = profiles(_defocused(_modules("4901234567894"), 2.0, 1.0))[0]
    flat = np.full_like(good, 200.0)
    assert ean_fit.read_profiles([good, flat, flat]) is None
    assert ean_fit.read_profiles([good, good[::-1], flat]) == "4901234567894"
