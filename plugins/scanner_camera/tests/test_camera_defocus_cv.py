"""Round 9: the defocus step's settings are options, and the benchmark chooses them (and the
step on/off) fold by fold from a cache that replays exactly what decode() does."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from functools import cache

import cv2
import pytest

from bench import barcode_cv as cv
from bench import defocus_cv as dcv
from kiosk.domain.scan import Symbology
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, DecodedCode, decode
from plugins.scanner_camera.defocus import ACROSS, MAX_SIGMA, MIN_SWINGS, DefocusSettings
from plugins.scanner_camera.ean_fit import MAX_ERROR

from .factories import SHARED_BARCODES

BOX = ((0, 0), (9, 0), (9, 9), (0, 9))
RIGHT, WRONG = "0605482330012", "4549131970258"


@cache
def _photo(name: str):
    path = SHARED_BARCODES / name
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    return cv2.imread(str(path))


def test_function_the_settings_default_to_round_8s_constants():
    s = DEFAULT_OPTIONS.defocus
    assert s == DefocusSettings()
    assert (s.grow, s.coarse, s.min_swings, s.max_sigma) == (
        (ACROSS["@across"], ACROSS["@across2"]), True, MIN_SWINGS, MAX_SIGMA
    )  # fmt: skip


def test_function_grid_holds_the_step_off_and_round_8s_setting():
    grid = dcv.grid()
    assert len(grid) == 1 + 6 * 2 * 3 * 2 * 2 * 2
    assert grid[0] is None and DefocusSettings() in grid
    assert len(set(grid)) == len(grid)
    assert min(grid, key=dcv.cost) is None  # ties go to the step off


@pytest.mark.parametrize(
    "setting",
    [
        None,
        DefocusSettings(),
        DefocusSettings(coarse=False),
        DefocusSettings((0.2, 0.5)),
        DefocusSettings(min_swings=16),
        DefocusSettings(max_sigma=math.inf),
        DefocusSettings((0.4, 0.5), False, 10, math.inf),
        DefocusSettings(max_error=MAX_ERROR),
        DefocusSettings(glare=False),
        DefocusSettings((0.2, 0.3), True, 16, MAX_SIGMA, MAX_ERROR, False),
    ],
)
@pytest.mark.parametrize("name", ["upca/zx_upca-2_50.png", "ean13/zx_ean13-5_13.png"])
def test_function_replayed_settings_equal_decode(name, setting):
    """GIVEN a photo the step reads (``upca-2_50``: two regions, one coarse) or misreads
    without the σ limit (``ean13-5_13``) WHEN its step is cached once (through JSON) and
    replayed at a setting THEN exactly what decode() returns with that setting."""
    image = _photo(name)
    cached = _step_cache(name)
    options = (
        replace(DEFAULT_OPTIONS, defocus_step=False)
        if setting is None
        else replace(DEFAULT_OPTIONS, defocus=setting)
    )
    assert dcv.replay(cached, setting) == decode(image, options)


@cache
def _step_cache(name: str) -> dcv.StepCache:
    """The photo's step cache, once per run, through JSON as the bench stores it."""
    return dcv._decoded(json.loads(json.dumps(dcv._encoded(dcv.step_cache(_photo(name))))))


def test_function_the_options_reach_the_step():
    """GIVEN ``upca-6_11`` (its only region is the coarse finder's) WHEN decoded without the
    coarse finder THEN nothing; GIVEN ``ean13-5_13`` WHEN decoded with no σ limit THEN the
    wrong code the first round-8 chain accepted (the limit is what keeps it out)."""
    assert decode(_photo("upca/zx_upca-6_11.png"), replace(
        DEFAULT_OPTIONS, defocus=DefocusSettings(coarse=False))) == []  # fmt: skip
    image = _photo("ean13/zx_ean13-5_13.png")
    assert decode(image) == []
    loose = replace(DEFAULT_OPTIONS, defocus=DefocusSettings(max_sigma=math.inf))
    assert [c.code for c in decode(image, loose) if c.confirmed] == ["1638123514082"]


class _Sample:
    def __init__(self, family: str, expected: str) -> None:
        self.family, self.expected = family, expected


def _read(code: str, stage: str) -> DecodedCode:
    return DecodedCode(Symbology.UPCA, code, code[1:], BOX, "fit", stage)


def _cache(reads: dict[float, list[DecodedCode]]) -> dcv.StepCache:
    """One photo nothing reads before the step, one region; ``reads`` per σ limit (at either
    RMS limit), the same for every growth (so two passes agree and confirm)."""
    by_limits = {(s, e): r for s, r in reads.items() for e in dcv.ERRORS}
    crops = {g: (20, by_limits) for g in dcv.GROWS}
    glare: dict[float, list[DecodedCode]] = {g: [] for g in dcv.GROWS}  # no turned strips
    return dcv.StepCache([], [], [0], [0], [dcv.Box(20, 0.0, crops, glare)])


def test_function_each_fold_keeps_the_step_only_where_its_training_folds_gain():
    """GIVEN 5 folds of 4 photos; in folds 0–3 one photo the step reads right at any
    setting, in fold 4 one it reads wrong only without the σ limit WHEN searched THEN
    every fold keeps the step, none picks "no σ limit" (it reads no more, ties go to the
    limit), and held out the step reads its photo in folds 0–3; WHEN the photos it reads
    are all in one fold THEN that fold (its training folds gain nothing) drops it."""
    fold = [k for k in range(cv.K) for _ in range(4)]
    samples, cached = [], []
    for i, k in enumerate(fold):
        samples.append(_Sample("upca", RIGHT))
        if i % 4 == 0 and k < 4:
            cached.append(_cache({s: [_read(RIGHT, "x")] for s in dcv.SIGMAS}))
        elif i % 4 == 0:
            cached.append(_cache({MAX_SIGMA: [], math.inf: [_read(WRONG, "x")]}))
        else:
            cached.append(dcv.StepCache([], [], [], [], []))
    result = dcv.search(samples, cached, fold, dcv.grid())
    assert all(c is not None and c.max_sigma == MAX_SIGMA for c in result.chosen)
    assert [f["overall"] for f in result.held_out] == [25.0] * 4 + [0.0]
    assert [f["false"] for f in result.fixed["shipped"]] == [0] * 5
    assert dcv.kept(result.chosen) == DefocusSettings(
        (0.2, 0.3), False, 16, MAX_SIGMA, MAX_ERROR, glare=False
    )  # ties go to the cheaper: no glare passes, the engine's own RMS limit
    one_fold = [0 if i % 4 == 0 and k < 4 else k for i, k in enumerate(fold)]
    result = dcv.search(samples, cached, one_fold, dcv.grid())
    assert result.chosen[0] is None and result.within_budget[0]
    assert result.held_out[0]["overall"] == 0.0
    assert result.fixed["shipped"][0]["overall"] > 0


def test_function_kept_drops_the_step_when_most_folds_do():
    on = DefocusSettings()
    assert dcv.kept([None, None, None, on, on]) is None
    assert dcv.kept([on, on, DefocusSettings(min_swings=16), None, None]) == on


def test_function_a_fold_whose_training_folds_break_the_budget_is_marked():
    """GIVEN the chain without the step already makes more false reads than raw zxing-cpp on
    every fold WHEN searched THEN the step is off on every fold, marked as off by default."""
    fold = [k for k in range(cv.K) for _ in range(2)]
    samples = [_Sample("upca", RIGHT) for _ in fold]
    wrong = DecodedCode(Symbology.UPCA, WRONG, WRONG[1:], BOX, "zxing", "zxing")
    cached = [dcv.StepCache([wrong], [], [], [], []) for _ in fold]
    result = dcv.search(samples, cached, fold, dcv.grid())
    assert result.chosen == [None] * cv.K
    assert result.within_budget == [False] * cv.K
