"""The capture thread end to end: a folder of frames in, each item emitted exactly once."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from kiosk.domain.scan import Scan, Symbology
from plugins.scanner_camera.capture import CameraUnavailable, LatestFrame
from plugins.scanner_camera.config import CameraScannerConfig
from plugins.scanner_camera.decoder import DecodedCode
from plugins.scanner_camera.source import CameraScanSource

from .factories import FakeClock, clutter, on_background, render_linear, render_qr, write_frames


@pytest.fixture
def started():
    """Start sources; every one is stopped after the test, even a failing one."""
    sources: list[CameraScanSource] = []

    def start(source: CameraScanSource, emit) -> CameraScanSource:
        sources.append(source)
        source.start(emit)
        return source

    yield start
    for source in sources:
        source.stop()


def shelf_frames() -> list[np.ndarray]:
    bg = clutter(seed=11)
    ean = on_background(render_linear("ean13", "490123456789", 2), bg, (180, 150))
    other = on_background(render_linear("ean13", "454913197025", 2), bg, (180, 150))
    qr = on_background(render_qr("COUPON:SPRING10"), bg, (200, 100))
    # item A held 4 frames, gone, a one-frame flash of B (a misread to ignore), the QR
    # for 3 frames, gone, then item A again: A, QR, A
    return [ean] * 4 + [bg] * 5 + [other] + [bg] * 3 + [qr] * 3 + [bg] * 5 + [ean] * 3 + [bg]


def test_function_folder_source_emits_each_item_once(tmp_path, started):
    folder = write_frames(tmp_path / "frames", shelf_frames())
    config = CameraScannerConfig.from_settings(
        {"source": f"folder:{folder}", "gone_after": 0.35, "preview": True}
    )
    scans: list[Scan] = []
    source = started(CameraScanSource(config, clock=FakeClock(step=0.1)), scans.append)
    assert source.wait_until_done(timeout=20)
    assert [(s.code, s.symbology) for s in scans] == [
        ("4901234567894", Symbology.EAN13),
        ("COUPON:SPRING10", Symbology.QR),
        ("4901234567894", Symbology.EAN13),
    ]
    assert all(s.source == "camera" for s in scans)
    stats = source.stats
    assert stats.frames_decoded == len(shelf_frames())
    assert stats.frames_dropped == 0
    preview = source.preview()
    assert preview is not None and preview.shape == (480, 640, 3)


def test_function_stop_is_safe_twice_and_before_start(tmp_path):
    folder = write_frames(tmp_path / "f", [clutter(seed=1)])
    source = CameraScanSource(CameraScannerConfig.from_settings({"source": f"folder:{folder}"}))
    source.stop()
    source.start(lambda scan: None)
    source.stop()
    source.stop()


def test_function_missing_camera_says_what_to_check(started):
    config = CameraScannerConfig.from_settings({"source": "v4l2:/dev/video-does-not-exist"})
    with pytest.raises(CameraUnavailable, match="plugged in"):
        started(CameraScanSource(config), lambda scan: None)


def test_function_failing_emit_does_not_stop_scanning(tmp_path, started):
    frame = on_background(render_qr("PAY:1"), clutter(seed=2), (100, 100))
    other = on_background(render_qr("PAY:2"), clutter(seed=2), (100, 100))
    folder = write_frames(tmp_path / "f", [frame, frame, other, other])
    seen: list[str] = []

    def emit(scan: Scan) -> None:
        seen.append(scan.code)
        raise RuntimeError("the runtime had a bad moment")

    config = CameraScannerConfig.from_settings({"source": f"folder:{folder}"})
    source = started(CameraScanSource(config, clock=FakeClock()), emit)
    assert source.wait_until_done(timeout=20)
    assert seen == ["PAY:1", "PAY:2"]


def test_function_latest_frame_keeps_only_the_newest():
    box = LatestFrame()
    for i in range(3):
        box.put(np.full((2, 2), i, np.uint8))
    frame = box.take(timeout=0)
    assert frame is not None and frame[0, 0] == 2
    assert box.dropped == 2
    assert box.take(timeout=0) is None


def test_function_latest_frame_lossless_waits_for_the_reader():
    box = LatestFrame()
    got: list[int] = []

    def reader() -> None:
        while (frame := box.take(timeout=5)) is not None:
            got.append(int(frame[0, 0]))

    thread = threading.Thread(target=reader)
    thread.start()
    for i in range(20):
        assert box.put(np.full((1, 1), i, np.uint8), wait=True)
    box.close()
    thread.join(5)
    assert got == list(range(20))
    assert box.dropped == 0


# --- cross-frame confirmation of fallback reads in the live pipeline ---------------------------


def _marked(value: int) -> np.ndarray:
    return np.full((48, 64, 3), value, np.uint8)


def _fallback_read(code: str, confirmed: bool) -> DecodedCode:
    corners = ((0, 0), (10, 0), (10, 10), (0, 10))
    return DecodedCode(Symbology.EAN13, code, code, corners, "zbar", "zbar+raw", confirmed)


# frame brightness → what the decoder "read" in it
_READS = {
    10: [_fallback_read("4901234567894", confirmed=False)],  # one fallback pass only
    20: [_fallback_read("4549131970258", confirmed=False)],
    30: [_fallback_read("4902102072618", confirmed=True)],  # two passes agreed in-frame
}


def _scripted_decoder(frame: np.ndarray, options, *, should_stop=None) -> list[DecodedCode]:
    return list(_READS.get(int(frame[0, 0, 0]), []))


def test_function_live_fallback_read_needs_a_second_frame(tmp_path, started):
    """GIVEN agree_frames=1 WHEN an unconfirmed fallback read shows in one frame THEN no scan;
    WHEN one shows in two frames in a row THEN one scan; a confirmed read counts at once."""
    frames = [10, 0, 0, 0, 0, 0, 20, 20, 20, 0, 0, 0, 0, 0, 30, 0]
    folder = write_frames(tmp_path / "f", [_marked(v) for v in frames])
    config = CameraScannerConfig.from_settings(
        {"source": f"folder:{folder}", "agree_frames": 1, "gone_after": 0.35}
    )
    scans: list[Scan] = []
    source = CameraScanSource(config, decoder=_scripted_decoder, clock=FakeClock(step=0.1))
    started(source, scans.append)
    assert source.wait_until_done(timeout=20)
    assert [s.code for s in scans] == ["4549131970258", "4902102072618"]
