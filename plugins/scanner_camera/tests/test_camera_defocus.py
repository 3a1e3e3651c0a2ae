"""Round 8: the defocus step (:mod:`plugins.scanner_camera.defocus`) — a bar angle label
edges do not steer, boxes grown across the bars, a coarser finder for soft bars."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from bench import barcode_cv as cv
from bench import barcodes as bench
from plugins.scanner_camera import decoder as dec
from plugins.scanner_camera import defocus
from plugins.scanner_camera.bars import across_angle, upright
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, decode, defocus_pass
from plugins.scanner_camera.regions import Region, find_barcode_regions, gradients

from .factories import SHARED_BARCODES, clutter, not_ean_crops
from .test_camera_ean_fit import _defocused, _modules


def _turned(gray: np.ndarray, degrees: float) -> np.ndarray:
    """``gray`` turned by ``degrees`` (the direction across its bars turns by as much)."""
    return np.clip(upright(gray, np.radians(-degrees)), 0, 255).astype(np.uint8)


def _bars_on_a_label(degrees: float) -> np.ndarray:
    """Blurred bars turned by ``degrees`` on a light label, with long, high-contrast label
    and box edges at another angle around them (what a widened crop holds)."""
    bars = _turned(_defocused(_modules("0071831007995"), 1.6, 1.2), degrees)
    h, w = bars.shape
    page = np.full((h + 160, w + 160), 60, np.uint8)  # a dark box
    cv2.rectangle(page, (20, 20), (w + 140, h + 140), 235, -1)  # the light label
    cv2.line(page, (0, h + 150), (w + 160, h + 120), 0, 6)  # a box edge
    page[80 : 80 + h, 80 : 80 + w] = np.minimum(page[80 : 80 + h, 80 : 80 + w], bars)
    return page


def _deg_apart(a: float, b: float) -> float:
    d = (np.degrees(a - b) + 90) % 180 - 90  # directions are modulo 180°
    return abs(float(d))


@pytest.mark.parametrize("degrees", [0.0, 8.0, -12.0, 20.0])
def test_function_bar_angle_from_the_patch_is_not_steered_by_label_edges(degrees):
    """GIVEN soft bars turned by a few degrees inside a label with strong edges WHEN the
    plain structure tensor of the whole page is asked THEN it is steered (> 30° off); the
    coarse finder's patch angle and the bar angle refined from it on the region's crop are
    within 1.5° of the bars'."""
    page = _bars_on_a_label(degrees)
    truth = np.radians(degrees)
    assert _deg_apart(across_angle(page), truth) > 30.0
    region = defocus.defocus_regions(page, [])[0]
    assert region.angle is not None and _deg_apart(region.angle, truth) <= 1.5
    crop = page[region.y : region.bottom, region.x : region.right]
    assert _deg_apart(defocus.bar_angle(crop, region.angle), truth) <= 1.5


def test_function_modulation_is_highest_across_the_bars():
    """The profile across the bars keeps the most band-passed modulation; 5° off smears it."""
    crop = _turned(_defocused(_modules("0071831007995"), 2.0, 0.8), 0.0)
    assert defocus.modulation(crop, 0.0) > 1.5 * defocus.modulation(crop, np.radians(5.0))


def test_function_across_crop_grows_across_the_bars_only():
    """GIVEN upright bars (across = horizontal) WHEN a box is grown by 20 % THEN it grows by
    20 % of its width left and right and not at all up or down; clipped to the frame."""
    frame = np.tile(np.repeat(np.arange(50) % 2 * 200 + 20, 4), (300, 1)).astype(np.uint8)
    crop_at = (60, 100, frame[100:180, 60:160])
    x0, y0, crop, theta = defocus.across_crop(frame, crop_at, 0.2, start=0.0)
    assert _deg_apart(theta, 0.0) <= 1.0
    assert (x0, y0, crop.shape) == (40, 100, (80, 140))
    x0, _, crop, _ = defocus.across_crop(frame, (0, 0, frame[0:80, 0:100]), 0.4, start=0.0)
    assert x0 == 0 and crop.shape[1] == 140


def test_function_finder_keeps_its_patch_angle():
    """Regions carry the direction across the bars measured on the coherent patch alone."""
    frame = clutter(seed=3)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    bars = _turned(_defocused(_modules("4901234567894"), 3.0, 0.4), 10.0)
    h, w = bars.shape
    gray[100 : 100 + h, 100 : 100 + w] = bars
    found = find_barcode_regions(gray)
    assert found and found[0].angle is not None
    assert _deg_apart(found[0].angle, np.radians(10.0)) <= 3.0


def test_function_coarse_finder_finds_soft_bars_the_default_misses():
    """GIVEN bars blurred until their edges are soft (no Sobel magnitude above the default
    finder's threshold) WHEN both finders run THEN only the coarse one proposes them."""
    line = np.repeat(np.random.default_rng(2).integers(0, 2, 70) * 30 + 150, 3)
    img = np.full((240, 320), 170, np.float32)
    img[60:180, 55:265] = line
    soft = cv2.GaussianBlur(img, (0, 0), 1.6).astype(np.uint8)
    assert find_barcode_regions(soft) == []
    got = defocus.defocus_regions(soft, [])
    assert got and any(r.contains(160, 120) for r in got)
    # the same box with the same patch angle is not read twice; another box over it is
    assert defocus.defocus_regions(soft, got) == []
    assert defocus.defocus_regions(soft, [Region(0, 0, 320, 240, score=1)]) == got


def test_function_defocus_passes_read_nothing_in_crops_that_hold_no_ean():
    for crop in not_ean_crops():
        h, w = crop.shape
        region = Region(0, 0, w, h, score=1)
        for name in defocus.DEFOCUS_PASSES:
            assert defocus_pass(crop, region, name, DEFAULT_OPTIONS) == []


def test_function_cluttered_empty_frames_read_nothing_with_the_step():
    for seed in range(3):
        assert decode(clutter(seed=seed)) == []


def test_function_step_does_not_run_once_should_stop_says_so(monkeypatch):
    """A frame whose budget is used skips the defocus step like every fallback step."""
    ran = []
    monkeypatch.setattr(
        "plugins.scanner_camera.decoder.defocus_step_regions", lambda *a: ran.append(1) or []
    )
    decode(clutter(seed=1), should_stop=lambda: True)
    assert ran == []
    decode(clutter(seed=1))
    assert ran == [1]


@pytest.mark.parametrize(
    ("name", "code"),
    [("upca/zx_upca-6_11.png", "0605482330012"), ("upca/zx_upca-6_09.png", "0605482330012")],
)
def test_function_defocused_upca_is_read_confirmed_only_with_the_step(name, code):
    """GIVEN a defocused ``upca-6`` photo (``6_11``/``6_09``: no region from the default
    finder) WHEN decoded without the defocus step THEN nothing; WHEN with it THEN the listed
    code, confirmed by both ``@across`` passes."""
    path = SHARED_BARCODES / name
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    image = cv2.imread(str(path))
    assert decode(image, replace(DEFAULT_OPTIONS, defocus_step=False)) == []
    got = decode(image)
    assert [(c.code, c.confirmed, c.stage) for c in got] == [
        (code, True, "defocus:fit+bars5@across&fit+bars5@across2")
    ]


def test_function_cached_replay_of_the_defocus_step_equals_decode():
    """GIVEN ``upca-6_11`` WHEN every pass and the defocus step are cached and replayed
    THEN replay returns what decode() does, with the step on and with it off."""
    path = SHARED_BARCODES / "upca/zx_upca-6_11.png"
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    image = cv2.imread(str(path))
    cached = cv.passes_of(image, {"zxing-cpp": bench.read_zxing, "pyzbar": bench.read_pyzbar})
    assert cached.defocus  # cached: the first pass read nothing
    for options in (DEFAULT_OPTIONS, replace(DEFAULT_OPTIONS, defocus_step=False)):
        assert cv.replay(cached, options) == decode(image, options)


def test_function_swings_tell_bars_from_a_lone_edge():
    """A defocused code's profile swings many times; a label's edge or a box corner a few."""
    code = _defocused(_modules("0071831007995"), 1.6, 1.2)
    assert defocus.swings(code, 0.0) >= defocus.MIN_SWINGS
    edge = np.full((120, 240), 200, np.uint8)
    edge[:, 120:] = 40
    assert defocus.swings(edge, 0.0) < defocus.MIN_SWINGS
    # across the bars, not along them
    assert defocus.swings(code, np.pi / 2) < defocus.MIN_SWINGS


def test_function_no_fit_on_the_coarse_regions_of_empty_frames(monkeypatch):
    """GIVEN the benchmark's synthetic empty 720p frames (clutter; the coarse finder proposes
    regions on some) WHEN decoded THEN the defocus step reads nothing and never runs the fit
    engine (the swings gate keeps it off clutter)."""
    from plugins.scanner_camera import decoder

    fitted = []
    real = decoder.run_region_pass

    def counting(crop, name, options, **kw):
        if kw.get("theta") is not None:
            fitted.append(name)
        return real(crop, name, options, **kw)

    monkeypatch.setattr(decoder, "run_region_pass", counting)
    empty, _ = bench.synthetic_frames(1280, 720, 20)
    proposed = 0
    for frame in empty:
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        proposed += len(defocus.defocus_regions(gray, find_barcode_regions(gray)))
        assert not [c for c in decode(frame) if c.stage.startswith("defocus:")]
    assert proposed > 0  # the gate had something to keep out
    assert fitted == []


def test_function_coarse_gradients_are_the_products_area_averaged():
    gray = clutter(seed=2)[:, :, 0]
    fine = gradients(gray, 640)
    coarse = defocus.coarse_gradients(fine)
    assert coarse.scale == fine.scale / 2
    assert coarse.gxx.shape == (fine.gxx.shape[0] // 2, fine.gxx.shape[1] // 2)
    assert np.isclose(coarse.gxx[10, 10], fine.gxx[20:22, 20:22].mean(), rtol=1e-4)


def test_function_no_fit_blurred_past_the_grid_ean13_5_13_is_not_misread():
    """GIVEN ``ean13-5_13`` (an ISBN defocused past σ 2 modules) WHEN its defocus-step crops
    are fitted with no limit on the blur THEN two bands agree on a wrong code (what the
    first round-8 chain accepted); WHEN fitted with ``MAX_SIGMA`` THEN nothing, and decode()
    reads nothing from the defocus step."""
    path = SHARED_BARCODES / "ean13/zx_ean13-5_13.png"
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    image = cv2.imread(str(path))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    grads = gradients(gray, 640)
    regions = find_barcode_regions(gray, None, grads)
    unlimited, limited = set(), set()
    for region in dec.defocus_step_regions(gray, regions, [], grads):
        crop_at = (region.x, region.y, gray[region.y : region.bottom, region.x : region.right])
        _, _, crop, theta = defocus.across_crop(gray, crop_at, 0.3, region.angle)
        for limit, into in ((None, unlimited), (defocus.MAX_SIGMA, limited)):
            got = dec.run_region_pass(
                crop, "fit+bars5", DEFAULT_OPTIONS, theta=theta, max_sigma=limit
            )
            into.update(c.code for c, _ in got)
    assert unlimited == {"1638123514082"}  # listed: 9780446579803
    assert limited == set()
    assert not [c for c in decode(image) if c.stage.startswith("defocus:")]
