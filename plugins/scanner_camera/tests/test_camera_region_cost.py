"""Round 8 (cost): the empty frame's region work made cheaper without changing a result —
the profile projection broadcast instead of a full grid, the defocus box's gate and bar
angle found once for both passes, the coarse finder without halved ``gx``/``gy``, and the
QR-only pass on the gradients' scaled grey copy."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from bench import barcodes as bench
from plugins.scanner_camera import decoder as dec
from plugins.scanner_camera import defocus
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, defocus_pass
from plugins.scanner_camera.regions import Region, find_barcode_regions, gradients

from .test_camera_defocus import _bars_on_a_label


def _grid_band_profile(gray: np.ndarray, theta: float) -> np.ndarray:
    """Round 8's :func:`.defocus.band_profile` as first written: the projection over a full
    ``mgrid`` of pixel coordinates (the reference the broadcast version must equal)."""
    h, w = gray.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    u = np.round((xs - w / 2) * np.cos(theta) + (ys - h / 2) * np.sin(theta)).astype(np.int64)
    u = u.ravel() - u.min()
    count = np.bincount(u)
    total = np.bincount(u, gray.astype(np.float64).ravel())
    keep = count >= 0.5 * count.max()
    profile = (total[keep] / count[keep]).astype(np.float32).reshape(1, -1)
    fine = cv2.GaussianBlur(profile, (0, 0), defocus.BAND[0])
    return (fine - cv2.GaussianBlur(profile, (0, 0), defocus.BAND[1])).ravel()


def test_function_band_profile_equals_the_full_grid_projection_bit_for_bit():
    rng = np.random.default_rng(7)
    crops = [rng.integers(0, 256, shape, dtype=np.uint8) for shape in ((37, 81), (1, 5), (90, 33))]
    crops.append(_bars_on_a_label(4.0))
    for crop in crops:
        for theta in np.radians(np.arange(-181.0, 181.0, 7.3)):
            assert np.array_equal(
                defocus.band_profile(crop, theta), _grid_band_profile(crop, theta)
            )


def _empty_720p() -> np.ndarray:
    """The benchmark's fifth empty 720p frame (the coarse finder finds two regions in it)."""
    return cv2.cvtColor(bench.cluttered_background(1280, 720, 1004), cv2.COLOR_BGR2GRAY)


def test_function_both_defocus_passes_share_one_box_angle(monkeypatch):
    """GIVEN a region over soft bars WHEN both ``@across`` passes read it with a shared
    ``angles`` memo THEN the reads equal those without it, and the box's bar angle is
    searched once, not once per pass."""
    page = _bars_on_a_label(3.0)
    h, w = page.shape
    region = Region(70, 70, w - 140, h - 140, 100, float(np.radians(3.0)))
    options = dec.defocus_options(DEFAULT_OPTIONS)
    alone = [defocus_pass(page, region, name, options) for name in defocus.DEFOCUS_PASSES]
    calls = []
    searched = dec.bar_angle
    monkeypatch.setattr(dec, "bar_angle", lambda *a: calls.append(a) or searched(*a))
    angles: dict = {}
    shared = [defocus_pass(page, region, n, options, None, angles) for n in defocus.DEFOCUS_PASSES]
    assert shared == alone
    # round 9: the memo also holds the glare passes' gate for the box, asked once too
    assert len(calls) == 1 and list(angles) == [region, (region, "glare")]


def test_function_coarse_finder_needs_no_halved_gx_gy():
    """GIVEN an empty cluttered frame WHEN the coarse finder runs on gradients with halved
    ``gx``/``gy`` (as round 8 made them) and without (``None``) THEN the same regions."""
    gray = _empty_720p()
    fine = gradients(gray, 640)
    coarse = defocus.coarse_gradients(fine)
    assert coarse.gx is None and coarse.gy is None

    def half(a: np.ndarray) -> np.ndarray:
        return cv2.resize(a, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)

    full = replace(coarse, gx=half(fine.gx), gy=half(fine.gy))
    found = find_barcode_regions(gray, defocus.DEFOCUS_FINDER, coarse)
    assert found  # clutter gives the coarse finder something to find
    assert find_barcode_regions(gray, defocus.DEFOCUS_FINDER, full) == found


def test_function_qr_pass_on_the_gradients_grey_copy_is_the_same_pass():
    """GIVEN frames larger and smaller than the work size, one holding a QR code WHEN the
    QR-only pass runs on the gradients' scaled copy THEN it returns what it does on its own
    resize."""
    qr = cv2.QRCodeEncoder.create().encode("https://example.com/round8")
    qr = cv2.resize(qr, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST)
    big = _empty_720p()
    big[100 : 100 + qr.shape[0], 200 : 200 + qr.shape[1]] = qr
    small = cv2.cvtColor(bench.cluttered_background(640, 480, 1004), cv2.COLOR_BGR2GRAY)
    for gray in (big, small):
        grads = gradients(gray, dec.QR_PASS_SIZE)
        assert grads.small is not None
        alone = dec._qr_pass(gray, DEFAULT_OPTIONS)
        assert dec._qr_pass(gray, DEFAULT_OPTIONS, grads) == alone
    assert [c.code for c in dec._qr_pass(big, DEFAULT_OPTIONS)[0]] == ["https://example.com/round8"]
