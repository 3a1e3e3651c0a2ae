"""Round 7's stacked-DataBar step (plugins/scanner_camera/databar.py): a finer region finder
run only when a frame yielded no accepted code, its regions read for DataBar only, with
upright passes for tilted stacked rows; and the benchmark's cache and replay of it."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest
import zxingcpp

from bench import barcode_cv as cv
from bench import barcodes as bench
from kiosk.domain.scan import Symbology
from plugins.scanner_camera import decoder as dec
from plugins.scanner_camera.bars import across_angle
from plugins.scanner_camera.databar import STACKED_PASSES, stacked_regions, upright_crop
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, decode, stacked_options
from plugins.scanner_camera.regions import RegionFinderSettings, find_barcode_regions, gradients

OFF = replace(DEFAULT_OPTIONS, stacked_databar=False)
GTIN = "0100012345678905"


def _stacked_frame(module: float = 2.5, sigma: float = 1.3, angle: float = 6.0) -> np.ndarray:
    """A DataBar Stacked symbol (zxing-cpp's writer) tilted, blurred and noisy on a 360x240
    frame, like the shared photo ``rss14-2_22``."""
    symbol = np.array(
        zxingcpp.create_barcode(GTIN, zxingcpp.BarcodeFormat.DataBarStk).to_image(
            scale=1, add_quiet_zones=True
        )
    )
    big = cv2.resize(symbol, None, fx=module, fy=module, interpolation=cv2.INTER_LINEAR)
    h, w = big.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += ((360 - w) / 2, (240 - h) / 2)
    ink = cv2.warpAffine((big < 128).astype(np.float32), m, (360, 240))
    frame = cv2.GaussianBlur(200.0 * (1 - 0.75 * ink), (0, 0), sigma)
    noisy = frame + np.random.default_rng(0).normal(0, 4, frame.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def test_function_tilted_stacked_databar_is_read_only_by_the_stacked_step():
    """GIVEN a small tilted, blurred DataBar Stacked symbol WHEN decoded THEN raw zxing-cpp,
    the default finder and round 6's chain read nothing, and the stacked step reads the GTIN,
    confirmed by two of its upright passes, placed on the symbol."""
    frame = _stacked_frame()
    assert zxingcpp.read_barcodes(frame) == []
    assert find_barcode_regions(frame) == []
    assert decode(frame, OFF) == []
    codes = decode(frame)
    assert [(c.symbology, c.code, c.confirmed) for c in codes] == [(Symbology.DATABAR, GTIN, True)]
    assert codes[0].stage.startswith("stacked:") and "&" in codes[0].stage
    x, y, w, h = codes[0].box
    assert x < 180 < x + w and y < 120 < y + h  # the symbol sits at the frame's centre


def test_function_stacked_step_never_runs_when_a_code_was_accepted(monkeypatch):
    """GIVEN a frame with an EAN-13 the first pass reads WHEN decoded THEN the stacked finder
    is never asked (frames with a read pay nothing for it)."""
    calls = []
    monkeypatch.setattr(dec, "stacked_regions", lambda *a, **k: calls.append(1) or [])
    frame = bench.rendered_ean13("4901234567894", 3)
    assert [c.code for c in decode(frame)] == ["4901234567894"]
    assert calls == []
    decode(np.full((240, 360), 200, np.uint8))
    assert calls == [1]


def test_function_stacked_regions_are_read_for_databar_only():
    """GIVEN the shipped options WHEN the stacked step's options are made THEN they ask for
    DataBar formats and the stacked passes only; without DataBar formats, or with the step
    off, there is no step."""
    db = stacked_options(DEFAULT_OPTIONS)
    assert db is not None
    assert set(db.formats) == {Symbology.DATABAR, Symbology.DATABAR_EXPANDED}
    assert db.passes == STACKED_PASSES
    assert stacked_options(replace(DEFAULT_OPTIONS, formats=(Symbology.EAN13,))) is None
    assert stacked_options(OFF) is None


def test_function_cluttered_empty_frames_read_nothing():
    """GIVEN the benchmark's cluttered, noisy empty frames (the empty-frame cost frames)
    WHEN decoded THEN nothing is read, the stacked step included."""
    for seed in range(1000, 1004):
        assert decode(bench.cluttered_background(1280, 720, seed)) == []


def test_function_upright_crop_stands_tilted_bars_upright():
    """GIVEN bars tilted by 8 degrees WHEN turned by upright_crop THEN the direction across
    the bars is horizontal (within a degree) and a 2x copy is twice the size."""
    bars = np.tile(np.repeat(np.array([40, 200] * 20, np.uint8), 4), (80, 1))
    m = cv2.getRotationMatrix2D((bars.shape[1] / 2, 40), 8.0, 1.0)
    tilted = cv2.warpAffine(bars, m, (bars.shape[1], 80), borderMode=cv2.BORDER_REPLICATE)
    assert abs(np.degrees(across_angle(tilted))) > 6
    turned = upright_crop(tilted)
    assert turned.dtype == np.uint8
    assert abs(np.degrees(across_angle(turned))) < 1.0
    assert upright_crop(tilted, 2).shape == (2 * turned.shape[0], 2 * turned.shape[1])


def test_function_shared_gradients_give_the_same_regions():
    """GIVEN a frame WHEN both finders run on gradients made once THEN their regions equal
    those of runs that make their own."""
    frame = cv2.cvtColor(bench.cluttered_background(1280, 720, 1001), cv2.COLOR_BGR2GRAY)
    frame[300:400, 500:800] = _stacked_frame()[70:170, 30:330]
    grads = gradients(frame, RegionFinderSettings().work_size)
    default = find_barcode_regions(frame)
    assert find_barcode_regions(frame, None, grads) == default
    assert stacked_regions(frame, default, grads=grads) == stacked_regions(frame, default)


def test_function_cached_replay_of_the_stacked_step_equals_decode():
    """GIVEN the tilted stacked symbol WHEN every pass is cached and replayed THEN replay
    returns what decode() does with the step on and with it off."""
    image = cv2.cvtColor(_stacked_frame(), cv2.COLOR_GRAY2BGR)
    cached = cv.passes_of(image, {"zxing-cpp": bench.read_zxing, "pyzbar": bench.read_pyzbar})
    assert cached.stacked  # cached: the first pass read nothing
    for options in (DEFAULT_OPTIONS, OFF):
        assert cv.replay(cached, options) == decode(image, options)


def test_function_extensions_search_the_stacked_step_on_and_off():
    base = cv.Config(("zbar+clahe",), 2, 1, True)
    configs = cv.extensions(base, ["fit+bars"], stacked=True)
    assert len(configs) == 8
    assert {(c.databar, c.stacked) for c in configs} == {(d, s) for d in (0, 1) for s in (0, 1)}
    assert cv.extensions(base, ["fit+bars"]) == [c for c in configs if not c.stacked]
    assert replace(base, stacked=True).options().stacked_databar
    assert replace(base, stacked=True).cost() > base.cost()  # ties go to the step off


def _photo(name: str) -> np.ndarray:
    path = bench.DATA / "databar" / name
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {bench.DATA}")
    return cv2.imread(str(path), cv2.IMREAD_COLOR)


def test_function_stacked_rss14_photo_is_read_confirmed():
    """GIVEN rss14-2_22 (a small DataBar Stacked the default finder gives no region) WHEN
    decoded THEN the stacked step reads its listed GTIN, confirmed by two passes; with the
    step off nothing is read."""
    image = _photo("zx_rss14-2_22.png")
    assert find_barcode_regions(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)) == []
    codes = decode(image)
    assert [(c.symbology, c.code, c.confirmed) for c in codes] == [(Symbology.DATABAR, GTIN, True)]
    assert codes[0].stage.startswith("stacked:")
    assert decode(image, OFF) == []
