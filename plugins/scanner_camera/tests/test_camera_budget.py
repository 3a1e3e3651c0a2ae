"""GIVEN a live camera WHEN a newer frame waits and the frame in hand used its fallback budget
THEN the decoder skips the frame's remaining fallback passes (``fallback_budget_ms``); a lone
frame, a file handed over frame by frame and ``decode`` without ``should_stop`` run every pass.
No timing in these tests: clocks are scripted, frames put by hand."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.domain.scan import Symbology
from plugins.scanner_camera import decoder as decoder_module
from plugins.scanner_camera import ean_fit
from plugins.scanner_camera.bars import profiles
from plugins.scanner_camera.budget import FrameBudget
from plugins.scanner_camera.capture import LatestFrame
from plugins.scanner_camera.config import CameraScannerConfig
from plugins.scanner_camera.decoder import DecodedCode, DecodeOptions, confirm_fallback, decode
from plugins.scanner_camera.source import CameraScanSource

from .factories import SHARED_BARCODES, clutter, on_background, render_linear
from .test_camera_ean_fit import _defocused, _modules


class ManualClock:
    """Reads ``now``; the test moves it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _code(code: str, stage: str) -> DecodedCode:
    corners = ((0, 0), (10, 0), (10, 10), (0, 10))
    return DecodedCode(Symbology.EAN13, code, code, corners, stage.split("+")[0], stage)


def _stop_after(n: int):
    """A should_stop that says yes from its (n+1)-th question on."""
    asked = [0]

    def should_stop() -> bool:
        asked[0] += 1
        return asked[0] > n

    return should_stop


# --- decode / confirm_fallback ---------------------------------------------------------------

OPTIONS = DecodeOptions(passes=("zbar+clahe", "zbar+raw", "zxing+2x", "zbar+2x"))


def test_function_stopped_confirmation_runs_no_more_passes_and_keeps_its_rule():
    """GIVEN a code read by pass 1 and by pass 3 WHEN told to stop after 2 passes THEN pass 3
    never runs and the code comes back unconfirmed (it goes to cross-frame agreement)."""
    calls: list[tuple[int, str]] = []
    table = {(0, "zbar+clahe"): ["4901234567894"], (0, "zxing+2x"): ["4901234567894"]}

    def run(index: int, name: str) -> list[DecodedCode]:
        calls.append((index, name))
        return [_code(c, name) for c in table.get((index, name), [])]

    stopped = confirm_fallback([], [], 2, OPTIONS, run, _stop_after(2))
    assert calls == [(0, "zbar+clahe"), (0, "zbar+raw")]
    assert [(c.code, c.confirmed) for c in stopped] == [("4901234567894", False)]
    calls.clear()
    whole = confirm_fallback([], [], 2, OPTIONS, run)
    assert [(c.code, c.confirmed) for c in whole] == [("4901234567894", True)]
    assert (1, "zbar+clahe") in calls  # without should_stop the second region is read too


def _frame_needing_fallback() -> np.ndarray:
    """A sharp EAN-13 the first pass reads and a defocused one beside it that it does not."""
    bg = clutter(960, 480, seed=3)
    sharp = render_linear("ean13", "490123456789", 2)
    blurred = cv2.GaussianBlur(render_linear("ean13", "454913197025", 2), (0, 0), 3.5)
    return on_background(blurred, on_background(sharp, bg, (40, 120)), (520, 120))


@pytest.fixture
def pass_spy(monkeypatch):
    calls: list[str] = []
    real = decoder_module.region_pass

    def spy(gray, crop_at, name, options, *, should_stop=None):
        calls.append(name)
        return real(gray, crop_at, name, options, should_stop=should_stop)

    monkeypatch.setattr(decoder_module, "region_pass", spy)
    return calls


def test_function_decode_told_to_stop_after_the_first_pass_runs_no_fallback_pass(pass_spy):
    frame = _frame_needing_fallback()
    whole = decode(frame)
    assert pass_spy, "the frame must need fallback passes, else this test proves nothing"
    assert "4901234567894" in {c.code for c in whole if c.stage == "zxing"}
    pass_spy.clear()
    stopped = decode(frame, should_stop=lambda: True)
    assert pass_spy == []
    assert stopped == [c for c in whole if c.stage == "zxing"]  # the first pass's reads, whole


def test_function_decode_stopped_after_two_passes_runs_two(pass_spy):
    decode(_frame_needing_fallback(), should_stop=_stop_after(2))
    assert len(pass_spy) == 2


def test_function_fit_pass_stops_between_its_steps_and_reads_nothing():
    """GIVEN the fit engine on a defocused code it reads WHEN should_stop says yes after a
    few of its steps THEN it raises Stopped (no vote of the bands read so far); the pass
    run through decode's chain yields nothing and the frame's chain ends there."""
    code = "0036000291452"
    crop = _defocused(_modules(code), 2.0, 1.2)
    bands = profiles(crop, bands=5, overlap=True)
    assert ean_fit.read_profiles(bands, refine=None) == code
    assert ean_fit.read_profiles(bands, refine=None, should_stop=lambda: False) == code
    with pytest.raises(ean_fit.Stopped):
        ean_fit.read_profiles(bands, refine=None, should_stop=_stop_after(3))
    options = DecodeOptions(passes=("fit+bars5", "zbar+raw"))
    calls: list[str] = []

    def run(index: int, name: str) -> list[DecodedCode]:
        calls.append(name)
        got = decoder_module.region_pass(crop, (0, 0, crop), name, options,
                                         should_stop=_stop_after(4))  # fmt: skip
        return got

    assert confirm_fallback([], [], 1, options, run) == []
    assert calls == ["fit+bars5"]  # stopped inside it: zbar+raw never ran


SHARED = [
    "ean13/zx_ean13-1_36.png",
    "ean13/zx_ean13-5_02.png",  # defocused: the whole chain runs and reads nothing
    "upca/zx_upca-5_23.png",
    "databar/zx_rss14-2_22.png",
    "qrcode/zx_qrcode-1_13.png",
]


@pytest.mark.parametrize("name", SHARED)
def test_function_decode_without_should_stop_equals_never_stopping(name, pass_spy):
    path = SHARED_BARCODES / name
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    image = cv2.imread(str(path))
    default = decode(image)
    default_passes = list(pass_spy)
    pass_spy.clear()
    asked = decode(image, should_stop=lambda: False)
    assert asked == default
    assert pass_spy == default_passes


# --- the budget --------------------------------------------------------------------------------


def test_function_budget_needs_both_a_newer_frame_and_the_time_used():
    clock, box = ManualClock(), LatestFrame()
    box.put(np.zeros((1, 1), np.uint8))
    box.take()
    budget = FrameBudget(box, 0.15, clock)
    clock.now = 10.0  # long past the budget, but nothing newer waits: a lone frame goes on
    assert not budget() and not budget.abandoned
    clock.now = 0.1
    box.put(np.ones((1, 1), np.uint8))  # a newer frame, within the budget
    assert not budget()
    clock.now = 0.15
    assert budget() and budget.abandoned


# --- the pipeline ------------------------------------------------------------------------------


class _Live:
    live = True

    def open(self) -> None: ...
    def read(self) -> np.ndarray | None:
        return None

    def close(self) -> None: ...


class _Files(_Live):
    live = False


class _PassDecoder:
    """Stands in for decode(): a first pass reading the frame's mark, then ten fallback passes
    of 50 ms (on the scripted clock), asking should_stop before each like decode() does."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.fallback_passes = 0

    def __call__(self, frame, options, *, should_stop=None) -> list[DecodedCode]:
        out = [_code("4901234567894", "zxing")] if frame[0, 0] == 255 else []
        for _ in range(10):
            if should_stop is not None and should_stop():
                break
            self.clock.now += 0.05
            self.fallback_passes += 1
        return out


def _source(tmp_path, kind, budget_ms: int = 150):
    clock = ManualClock()
    decoder = _PassDecoder(clock)
    config = CameraScannerConfig.from_settings(
        {"source": f"folder:{tmp_path}", "fallback_budget_ms": budget_ms}
    )
    source = CameraScanSource(config, frame_source=kind(), decoder=decoder, clock=clock)
    return source, decoder


def _taken(box: LatestFrame, value: int) -> np.ndarray:
    box.put(np.full((2, 2), value, np.uint8))
    frame = box.take()
    assert frame is not None
    return frame


def test_function_live_frame_abandoned_when_a_newer_frame_waits(tmp_path):
    source, decoder = _source(tmp_path, _Live)
    box = LatestFrame()
    blurred = _taken(box, 0)
    box.put(np.full((2, 2), 255, np.uint8))  # the sharp frame arrives while decoding
    assert source.decode_frame(blurred, box) == []
    assert decoder.fallback_passes == 3  # 0, 50, 100 ms: under 150; at 150 ms it stops
    assert source.stats.frames_abandoned == 1
    sharp = box.take()
    assert [c.code for c in source.decode_frame(sharp, box)] == ["4901234567894"]
    assert source.stats.frames_abandoned == 1  # nothing newer waited for the sharp one


def test_function_lone_live_frame_gets_the_whole_chain_past_the_budget(tmp_path):
    source, decoder = _source(tmp_path, _Live)
    box = LatestFrame()
    source.decode_frame(_taken(box, 0), box)
    assert decoder.fallback_passes == 10  # 500 ms, far past 150: nothing newer was waiting
    assert source.stats.frames_abandoned == 0


def test_function_a_file_handed_over_frame_by_frame_is_never_cut(tmp_path):
    source, decoder = _source(tmp_path, _Files, budget_ms=0)
    box = LatestFrame()
    frame = _taken(box, 0)
    box.put(np.full((2, 2), 255, np.uint8))
    source.decode_frame(frame, box)
    assert decoder.fallback_passes == 10
    assert source.stats.frames_abandoned == 0


def test_function_abandoned_frame_keeps_its_first_pass_read(tmp_path):
    """The first pass always runs: a code it read is delivered though the frame is cut."""
    source, decoder = _source(tmp_path, _Live, budget_ms=0)
    box = LatestFrame()
    frame = _taken(box, 255)
    box.put(np.zeros((2, 2), np.uint8))
    assert [c.code for c in source.decode_frame(frame, box)] == ["4901234567894"]
    assert decoder.fallback_passes == 0
    assert source.stats.frames_abandoned == 1
