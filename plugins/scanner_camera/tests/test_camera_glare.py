"""Round 9: the glare pass (:mod:`plugins.scanner_camera.glare`) — a glare band that turns
the bars' contrast round over part of their height, as on the ``upca-3`` can."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from plugins.scanner_camera import defocus, glare
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, decode, defocus_pass
from plugins.scanner_camera.regions import Region

from .factories import SHARED_BARCODES, clutter, not_ean_crops
from .test_camera_ean_fit import _modules

CODE = "0049000042566"  # the can's UPC-A, as EAN-13


def _glare_can(modules: str = _modules(CODE), seed: int = 5) -> np.ndarray:
    """A faint UPC-A on a light label (2.2 px a module, slightly blurred): in the bottom
    two fifths of the bars the ink is 30 levels darker than the paper, in the top three
    fifths (a glare band) 20 levels *brighter* — averaged over the bars' height, the code
    all but cancels out."""
    line = np.array([0.0] * 14 + [float(b) for b in modules] + [0.0] * 14)
    px = 2.2
    x = (np.arange(int(len(line) * px)) + 0.5) / px
    ink = cv2.GaussianBlur(line[np.minimum(x.astype(int), len(line) - 1)].reshape(1, -1),
                           (0, 0), 0.4 * px).ravel()  # fmt: skip
    rows = 150
    glared = np.arange(rows)[:, None] < 0.6 * rows
    bars = np.where(glared, 225 + 20 * ink, 195 - 30 * ink)
    page = np.full((rows + 80, bars.shape[1] + 40), 60.0)  # a dark can
    page[25 : 25 + rows + 30, 10:-10] = 215.0  # the light label
    page[40 : 40 + rows, 20:-20] = bars
    noise = np.random.default_rng(seed).normal(0, 2, page.shape)
    return np.clip(page + noise, 0, 255).astype(np.uint8)


def test_function_glare_can_is_read_only_by_the_glare_pass():
    """GIVEN a rendered code whose top three fifths are turned by glare, and a region over
    the whole code WHEN the round-8 defocus passes read it THEN nothing (the plain average
    all but cancels); WHEN the glare passes do THEN the code, on both crops. (The chain's
    passes read this render's sharp bottom rows alone; the photos' are too faint for
    them, see the photo test.)"""
    page = _glare_can()
    region = Region(x=20, y=40, width=page.shape[1] - 40, height=150, score=1, angle=0.0)
    for name in ("fit+bars5@across", "fit+bars5@across2"):
        assert defocus_pass(page, region, name, DEFAULT_OPTIONS) == []
    for name in ("fit+glare@across", "fit+glare@across2"):
        got = defocus_pass(page, region, name, DEFAULT_OPTIONS)
        assert [(c.code, c.engine, c.stage) for c in got] == [(CODE, "fit", name)]
    assert "fit+glare@across" in defocus.DEFOCUS_PASSES


def test_function_turned_strips_are_seen_and_turned_back():
    """The strips under the glare correlate negatively with the others; the signed profile
    is the code (the fit engine reads it), the plain average is not."""
    gray = _glare_can()[40:190, 20:-20]
    parts = glare.strips(gray.astype(np.float32))
    assert glare.inverted(parts)
    assert glare.read_glare(gray, 0.0) == CODE


def test_function_untouched_codes_and_non_ean_crops_are_left_alone():
    """A code without a turned strip is not this pass's (it returns nothing and fits
    nothing); nor are noise, clutter, stripes or other symbologies."""
    line = np.array([0.0] * 14 + [float(b) for b in _modules(CODE)] + [0.0] * 14)
    plain = np.tile(200 - 150 * np.repeat(line, 2), (80, 1)).astype(np.uint8)
    assert not glare.inverted(glare.strips(plain.astype(np.float32)))
    assert glare.read_glare(plain, 0.0) is None
    for crop in not_ean_crops():
        assert glare.read_glare(crop, 0.0) is None


def test_function_a_wrong_check_digit_is_not_read():
    """The same glare render with a wrong check digit reads nothing (the best fit is judged
    as it is; no digit is repaired)."""
    gray = _glare_can(_modules(CODE[:-1] + "7"))[40:190, 20:-20]
    assert glare.read_glare(gray, 0.0) is None


def test_function_clutter_frames_read_nothing():
    for seed in range(3):
        assert decode(clutter(640, 480, seed)) == []


@pytest.mark.parametrize("name", ["upca/zx_upca-3_03.png", "upca/zx_upca-3_10.png"])
def test_function_glare_can_photos_are_read_confirmed(name):
    """``upca-3_03``/``_10`` (the can with the glare band): read, confirmed, by the glare
    pass; nothing without the defocus step."""
    path = SHARED_BARCODES / name
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    image = cv2.imread(str(path))
    assert decode(image, replace(DEFAULT_OPTIONS, defocus_step=False)) == []
    got = decode(image)
    assert [(c.code, c.confirmed, c.stage) for c in got] == [
        (CODE, True, "defocus:fit+glare@across&fit+glare@across2")
    ]
