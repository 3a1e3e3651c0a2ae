"""Round 9 (cost): a live source's frames take turns with the two last steps (the
stacked-DataBar step, the defocus step), and the region finder's cheap pre-test of a blob
never rejects one the exact test keeps."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from bench import barcodes as bench
from bench import camera_region_cost as cost
from kiosk.domain.scan import Symbology
from plugins.scanner_camera import regions
from plugins.scanner_camera.cadence import LastStepCadence
from plugins.scanner_camera.capture import LatestFrame
from plugins.scanner_camera.config import CameraScannerConfig
from plugins.scanner_camera.databar import STACKED_FINDER
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, DecodedCode, DecodeOptions, decode
from plugins.scanner_camera.defocus import DEFOCUS_FINDER, coarse_gradients
from plugins.scanner_camera.source import CameraScanSource

from .factories import SHARED_BARCODES
from .test_camera_budget import _Files, _Live
from .test_camera_databar import GTIN, _stacked_frame
from .test_camera_defocus import _bars_on_a_label


def test_function_cadence_takes_turns_with_the_last_steps():
    cadence = LastStepCadence(DEFAULT_OPTIONS)
    turns = [cadence.next() for _ in range(4)]
    assert [(o.stacked_databar, o.defocus_step) for o in turns] == [
        (True, False), (False, True), (True, False), (False, True),
    ]  # fmt: skip
    for o in turns:  # nothing else changes
        assert replace(o, stacked_databar=True, defocus_step=True) == DEFAULT_OPTIONS


def _source(kind, decoder=decode) -> CameraScanSource:
    config = CameraScannerConfig.from_settings({"source": "v4l2:/dev/video0"})
    return CameraScanSource(config, frame_source=kind(), decoder=decoder)


def _options_seen(kind, frames: int) -> list[DecodeOptions]:
    seen: list[DecodeOptions] = []

    def spy(frame, options, *, should_stop=None):
        seen.append(options)
        return []

    source = _source(kind, spy)
    for _ in range(frames):
        source.decode_frame(np.zeros((4, 4), np.uint8), LatestFrame())
    return seen


def test_function_a_live_source_alternates_the_last_steps_a_file_source_runs_both():
    live = _options_seen(_Live, 4)
    assert [(o.stacked_databar, o.defocus_step) for o in live] == [
        (True, False), (False, True), (True, False), (False, True),
    ]  # fmt: skip
    assert all(o.stacked_databar and o.defocus_step for o in _options_seen(_Files, 3))


def _code(stage: str) -> DecodedCode:
    return DecodedCode(Symbology.EAN13, "4901234567894", "490123456789", ((0, 0),) * 4,
                       "fit", stage, confirmed=True)  # fmt: skip


def test_function_a_step_that_read_keeps_its_turn():
    cadence = LastStepCadence(DEFAULT_OPTIONS)
    assert not cadence.next().defocus_step  # the stacked step's turn
    cadence.saw([_code("zxing")])  # a first-pass read: the turns go on
    assert cadence.next().defocus_step
    cadence.saw([_code("defocus:fit+bars5@across&fit+bars5@across2")])
    assert cadence.next().defocus_step  # the defocus step read: its turn again
    cadence.saw([])
    assert not cadence.next().defocus_step


def test_function_a_code_only_the_stacked_step_reads_is_at_most_one_live_frame_late():
    """GIVEN a small tilted DataBar Stacked only the stacked step reads, held in view WHEN a
    live source decodes it frame after frame, starting on the defocus step's turn THEN the
    first frame reads nothing and the next two read it (the step that read keeps its turn),
    so the scan comes one frame late; from a file source every frame reads it."""
    frame = _stacked_frame()
    live = _source(_Live)
    live._cadence.next()  # the stacked step's turn used up: the next frame is the other's
    got = [[c.code for c in live.decode_frame(frame, LatestFrame())] for _ in range(3)]
    assert got == [[], [GTIN], [GTIN]]
    files = _source(_Files)
    assert [[c.code for c in files.decode_frame(frame, LatestFrame())] for _ in range(2)] == [
        [GTIN],
        [GTIN],
    ]


def test_function_decode_keeps_every_step_on_every_frame():
    """The single-image decoder is not cut: the cadence lives in the live source only."""
    assert DEFAULT_OPTIONS.stacked_databar and DEFAULT_OPTIONS.defocus_step
    assert [c.symbology for c in decode(_stacked_frame())] == [Symbology.DATABAR]


# --- the region finder's pre-test --------------------------------------------------------------


def _exact_regions(gray, settings, grads) -> list[regions.Region]:
    """Round 8's finder: the same function with the pre-test and the early exit taken out."""
    originals = regions._surely_rejected, regions._too_sparse
    regions._surely_rejected = regions._too_sparse = lambda *a: False
    try:
        return regions.find_barcode_regions(gray, settings, grads)
    finally:
        regions._surely_rejected, regions._too_sparse = originals


def _frames() -> list[np.ndarray]:
    frames = [cv2.cvtColor(bench.cluttered_background(w, h, 1000 + i), cv2.COLOR_BGR2GRAY)
              for (w, h) in ((1280, 720), (640, 480)) for i in range(4)]  # fmt: skip
    frames += [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f in _plain(2)]
    frames += [_stacked_frame(), _bars_on_a_label(3.0)]
    for name in ("upca/zx_upca-6_11.png", "upca/zx_upca-2_50.png", "databar/zx_rss14-2_22.png"):
        if (SHARED_BARCODES / name).is_file():
            frames.append(cv2.imread(str(SHARED_BARCODES / name), cv2.IMREAD_GRAYSCALE))
    return frames


def _plain(count: int) -> list[np.ndarray]:
    return [*cost.plain_frames(1280, 720, count), *cost.plain_frames(640, 480, count, noise=3.0)]


def test_function_finders_exit_early_on_a_plain_counter(monkeypatch):
    """GIVEN a counter with nothing on it WHEN the three finders run THEN none gets past the
    dense-pixel count: no box filter of the structure tensor runs."""
    calls = []
    real = cv2.boxFilter
    monkeypatch.setattr(
        cv2, "boxFilter", lambda a, *r, **k: calls.append(a.dtype) or real(a, *r, **k)
    )
    for frame in _plain(2):
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        grads = regions.gradients(gray, 640)
        assert regions.find_barcode_regions(gray, None, grads) == []
        assert regions.find_barcode_regions(gray, STACKED_FINDER, grads) == []
        assert regions.find_barcode_regions(gray, DEFOCUS_FINDER, coarse_gradients(grads)) == []
    assert calls and all(d == np.uint8 for d in calls)  # only the edge-density filters


@pytest.mark.parametrize("finder", ["default", "stacked", "coarse"])
def test_function_pretest_keeps_every_region_of_the_exact_test(finder):
    """GIVEN clutter, soft bars and stacked DataBar WHEN the finders run with and without the
    cheap pre-test THEN the regions are equal, every field (bit for bit)."""
    settings = {"default": regions.RegionFinderSettings(), "stacked": STACKED_FINDER}
    for gray in _frames():
        grads = regions.gradients(gray, 640)
        if finder == "coarse":
            grads, s = coarse_gradients(grads), DEFOCUS_FINDER
        else:
            s = settings[finder]
        assert regions.find_barcode_regions(gray, s, grads) == _exact_regions(gray, s, grads)


def test_function_pretest_rejects_only_blobs_the_exact_test_rejects_and_most_on_clutter():
    """Each blob the pre-test rejects, the exact test (round 8's sums and variances) rejects
    too; on the benchmark's empty 720p frames the pre-test stops most blobs (what makes the
    finder cheaper)."""
    s = regions.RegionFinderSettings()
    rejected = total = 0
    for seed in range(1000, 1004):
        gray = cv2.cvtColor(bench.cluttered_background(1280, 720, seed), cv2.COLOR_BGR2GRAY)
        g = regions.gradients(gray, 640)
        k = (s.window, s.window)
        jxx, jyy, jxy2 = (cv2.boxFilter(a, -1, k) for a in (g.gxx, g.gyy, g.gxy2))
        # every blob of strong edges, not only the finder's mask: more and odder shapes
        strong = (g.magnitude > s.min_edge).astype(np.uint8)
        _, labels, stats, _ = cv2.connectedComponentsWithStats(strong)
        for i in np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= s.min_area)[1:].tolist():
            x, y, w, h, _ = stats[i].tolist()
            box = (slice(y, y + h), slice(x, x + w))
            inside = labels[box] == i
            total += 1
            if not regions._surely_rejected(inside, jxx[box], jyy[box], jxy2[box], s):
                continue
            rejected += 1
            sxx, syy = float(jxx[box][inside].sum()), float(jyy[box][inside].sum())
            sxy2 = float(jxy2[box][inside].sum())
            if np.hypot(sxx - syy, sxy2) < s.min_patch_coherence * (sxx + syy):
                continue
            theta = 0.5 * np.arctan2(sxy2, sxx - syy)
            bys, bxs = np.nonzero(inside)
            across = np.sqrt(12 * (bxs * np.cos(theta) + bys * np.sin(theta)).var())
            along = np.sqrt(12 * (bys * np.cos(theta) - bxs * np.sin(theta)).var())
            assert across < s.min_across or across < s.min_across_ratio * along
    assert total > 20 and rejected > 0.8 * total
