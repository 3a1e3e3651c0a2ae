"""Round 7: the fit engine on five overlapping bands with every placement refined
(``fit+bars5``), for short, faint or tilted UPC-A codes the round-6 ``fit+bars`` misses."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from plugins.scanner_camera import ean_fit
from plugins.scanner_camera.bars import profiles
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, decode, region_pass
from plugins.scanner_camera.regions import find_barcode_regions

from .factories import SHARED_BARCODES, not_ean_crops
from .test_camera_ean_fit import _defocused, _modules


def test_function_overlapping_bands_are_a_third_high_and_span_the_bars():
    """GIVEN bars on rows 30–119 of a crop WHEN profiled with five overlapping bands THEN the
    full height and five bands come back; the first band is the top third, the last the
    bottom third, and each band is the mean of its own rows."""
    rng = np.random.default_rng(1)
    line = np.repeat(rng.integers(0, 2, 60) * 180 + 40, 3).astype(np.float32)
    crop = np.full((150, line.size), 230, np.float32)
    crop[30:120] = line
    crop[30:60] += 10  # the top third a little lighter, so the bands differ
    got = profiles(crop.astype(np.uint8), bands=5, overlap=True)
    assert len(got) == 6
    assert np.allclose(got[1][10:-10], crop[30:60].mean(axis=0)[10:-10], atol=1)
    assert np.allclose(got[5][10:-10], crop[90:120].mean(axis=0)[10:-10], atol=1)
    assert np.allclose(got[3][10:-10], crop[60:90].mean(axis=0)[10:-10], atol=1)
    # side by side (round 6) is unchanged: full height and three bands
    assert len(profiles(crop.astype(np.uint8))) == 4


def test_function_fit_bars5_reads_a_defocused_code_and_nothing_in_clutter():
    code = "0036000291452"
    crop = _defocused(_modules(code), 2.0, 1.2)
    got = region_pass(crop, (0, 0, crop), "fit+bars5", DEFAULT_OPTIONS)
    assert [(c.code, c.engine, c.stage) for c in got] == [(code, "fit", "fit+bars5")]
    for other in not_ean_crops():
        assert region_pass(other, (0, 0, other), "fit+bars5", DEFAULT_OPTIONS) == []


def test_function_wrong_check_digit_is_not_read_with_every_placement_refined():
    """Refining every placement must not turn into a search for a reading whose check digit
    holds: only the best refined fit is judged."""
    crop = _defocused(_modules("4901234567895"), 3.0, 0.6)
    assert ean_fit.read_profiles(profiles(crop, bands=5, overlap=True), refine=None) is None


def test_function_unknown_fit_preparation_is_an_error():
    crop = _defocused(_modules("4901234567894"), 2.0, 1.0)
    with pytest.raises(ValueError, match="fit engine"):
        region_pass(crop, (0, 0, crop), "fit+raw", DEFAULT_OPTIONS)


def _shared_region(name: str) -> tuple[np.ndarray, tuple[int, int, np.ndarray]]:
    path = SHARED_BARCODES / name
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    region = find_barcode_regions(gray, DEFAULT_OPTIONS.regions)[0]
    crop = gray[region.y : region.y + region.height, region.x : region.x + region.width]
    return gray, (region.x, region.y, crop)


def test_function_every_placement_refined_reads_a_faint_short_upca():
    """GIVEN ``upca-2_40`` (short, faint narrow bars along a box edge), whose digit-by-digit
    match ranks two half-width blocks above the whole code WHEN the two best placements are
    refined (round 6) THEN nothing; WHEN every placement is refined THEN the whole code's
    fit wins, and both ``fit+bars5`` passes read the listed code."""
    gray, (x0, y0, crop) = _shared_region("upca/zx_upca-2_40.png")
    assert ean_fit.read_profiles(profiles(crop)) is None
    assert region_pass(gray, (x0, y0, crop), "fit+bars", DEFAULT_OPTIONS) == []
    assert ean_fit.read_profiles(profiles(crop), refine=None) == "0012546619592"
    for name in ("fit+bars5", "fit+bars5@wide"):
        got = region_pass(gray, (x0, y0, crop), name, DEFAULT_OPTIONS)
        assert [c.code for c in got] == ["0012546619592"], name


def test_function_overlapping_bands_read_a_defocused_upca_two_side_by_side_bands_miss():
    """GIVEN ``upca-6_16`` (a defocused 240 px photo) WHEN read on three bands side by side
    THEN one band reads it and that is not enough; WHEN read on five overlapping bands THEN
    two or more agree and the code is read."""
    gray, (x0, y0, crop) = _shared_region("upca/zx_upca-6_16.png")
    assert ean_fit.read_profiles(profiles(crop), refine=None) is None
    assert ean_fit.read_profiles(profiles(crop, bands=5, overlap=True), refine=2) is not None
    got = region_pass(gray, (x0, y0, crop), "fit+bars5", DEFAULT_OPTIONS)
    assert [c.code for c in got] == ["0073333531084"]


def test_function_shipped_chain_confirms_upca_2_40_round_6_chain_does_not():
    """GIVEN ``upca-2_40`` WHEN decoded with round 6's chain THEN nothing; WHEN decoded with
    the shipped chain (round 7: ``fit+bars5`` and ``fit+bars5@wide`` instead of the round-6
    fit passes) THEN the listed code, confirmed by the two fit passes."""
    path = SHARED_BARCODES / "upca/zx_upca-2_40.png"
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    image = cv2.imread(str(path))
    round6 = (
        "zbar+clahe", "zbar+raw", "zxing+2x", "zxing+bars", "zbar+bars", "zbar+2x@wide",
        "fit+bars", "fit+bars@wide",
    )  # fmt: skip
    # round 6's chain had no defocus step (round 8), which reads this photo too
    assert decode(image, replace(DEFAULT_OPTIONS, passes=round6, defocus_step=False)) == []
    assert "fit+bars5" in DEFAULT_OPTIONS.passes
    codes = decode(image)
    assert [(c.code, c.confirmed, c.stage) for c in codes] == [
        ("0012546619592", True, "fit+bars5&fit+bars5@wide")
    ]
