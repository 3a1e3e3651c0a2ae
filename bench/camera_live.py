"""Camera live pipeline: a sharp frame arriving while an unreadable one is decoded → its read.

The shopper holds an item up; the first frame is blurred and nothing reads it, so the decoder
runs the whole fallback chain on it. One camera frame later (``--arrive-ms``, 33 ms at 30 fps)
a sharp frame of the same code waits in the ``LatestFrame`` slot. Taken here: the time from
that frame's arrival to the decoder returning its code, through the real pipeline step
(``CameraScanSource.decode_frame``: the mailbox, the ``FrameBudget``, ``decode``), with no
budget (a file source: every frame gets the whole chain, as before round 7 live) and with
each ``--budgets`` value, interleaved trial by trial in the same run; ratios against no
budget. The frames: a synthetic 1280×720 one (an EAN-13 blurred σ=4.7 on clutter, read by
no pass) and, when the shared photos are there, the benchmark's defocused misses.

    .venv/bin/python bench/camera_live.py [--trials 5] [--budgets 0 150 300] [--arrive-ms 33]

``--cadence`` (round 9): instead, the delay the live cadence adds (a live source's frames take
turns with the stacked-DataBar and the defocus step, :mod:`plugins.scanner_camera.cadence`):
the same photo that only one of those steps reads, handed to the pipeline step frame after
frame (nothing newer waiting, so no frame is cut), from a live source (cadence, starting on
either turn) and from a frame-by-frame one (every step on every frame): frames and seconds
until the first read and until the scan (the agreement, default settings).

    .venv/bin/python bench/camera_live.py --cadence [--trials 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from plugins.scanner_camera.capture import LatestFrame
from plugins.scanner_camera.config import CameraScannerConfig
from plugins.scanner_camera.decoder import decode
from plugins.scanner_camera.source import CameraScanSource
from plugins.scanner_camera.tests.factories import (
    SHARED_BARCODES,
    clutter,
    on_background,
    render_linear,
)

CODE = "490123456789"
GTIN = "4901234567894"
# shared photos no pass reads (docs/camera-scanning.md, round 5 "every miss looked at")
SHARED_MISSES = ("ean13/zx_ean13-5_02.png", "ean13/zx_ean13-5_06.png", "databar/zx_rss14-2_17.png")


class _Stub:
    """A frame source that is never read: frames are put into the mailbox by hand."""

    def __init__(self, live: bool) -> None:
        self.live = live

    def open(self) -> None: ...
    def read(self) -> np.ndarray | None:
        return None

    def close(self) -> None: ...


def frames() -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
    """The sharp frame, and (name, frame) of the unreadable ones."""
    bg = clutter(1280, 720, seed=5)
    label = render_linear("ean13", CODE, 3)
    sharp = on_background(label, bg, (400, 200))
    blurred = [
        ("synthetic 1280x720", on_background(cv2.GaussianBlur(label, (0, 0), 4.7), bg, (400, 200)))
    ]
    for name in SHARED_MISSES:
        path = SHARED_BARCODES / name
        if path.is_file():
            blurred.append((Path(name).name, cv2.imread(str(path))))
    return sharp, blurred


def source(budget_ms: int | None) -> CameraScanSource:
    settings = {"source": "v4l2:/dev/video0", "fallback_budget_ms": budget_ms or 0}
    config = CameraScannerConfig.from_settings(settings)
    return CameraScanSource(config, frame_source=_Stub(live=budget_ms is not None))


def trial(src: CameraScanSource, blurred: np.ndarray, sharp: np.ndarray, arrive: float) -> float:
    """Seconds from the sharp frame's arrival to the decoder returning its code."""
    box = LatestFrame()
    box.put(blurred)
    frame = box.take()
    arrived: list[float] = []

    def camera() -> None:
        time.sleep(arrive)
        arrived.append(time.monotonic())
        box.put(sharp)

    grabber = threading.Thread(target=camera)
    grabber.start()
    assert frame is not None and src.decode_frame(frame, box) == [], "blurred frame was read"
    grabber.join()
    newer = box.take()
    assert newer is not None
    codes = src.decode_frame(newer, box)
    done = time.monotonic()
    assert GTIN in {c.code for c in codes}, "sharp frame not read"
    return done - arrived[0]


# shared photos only a last step reads (docs/camera-scanning.md, rounds 7 and 8)
LAST_STEP_ONLY = ("upca/zx_upca-6_11.png", "upca/zx_upca-6_09.png", "databar/zx_rss14-2_22.png")


def until_scan(live: bool, skip: int, frame: np.ndarray, most: int = 8) -> tuple[int, int, float]:
    """(frames until the first read, frames until the scan, seconds until the scan) for
    ``frame`` handed over again and again; ``skip``: cadence turns used up before the first."""
    src = source(150 if live else None)
    for _ in range(skip):
        src._cadence.next()
    box = LatestFrame()  # stays empty: nothing newer waits, so no frame is cut
    first, start = 0, time.monotonic()
    for n in range(1, most + 1):
        codes = src.decode_frame(frame, box)
        first = first or (n if codes else 0)
        if src._agreement.observe(codes):
            return first, n, time.monotonic() - start
    return first, 0, time.monotonic() - start


def cadence(trials: int) -> None:
    print(f"frames (seconds) until the first read / the scan, median of {trials}; "
          "agree_frames 2, agree_within 0.5 s")  # fmt: skip
    for name in LAST_STEP_ONLY:
        path = SHARED_BARCODES / name
        if not path.is_file():
            continue
        frame = cv2.imread(str(path))
        for label, live, skip in (("every frame (file)", False, 0), ("live, turn 1 first", True, 0),
                                  ("live, turn 2 first", True, 1)):  # fmt: skip
            got = [until_scan(live, skip, frame) for _ in range(trials)]
            seconds = statistics.median(g[2] for g in got)
            print(f"  {Path(name).name:18} {label:20} first read at frame {got[0][0]}, "
                  f"scan at frame {got[0][1]} ({seconds:.2f} s)", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--budgets", type=int, nargs="+", default=[0, 150, 300])
    parser.add_argument("--arrive-ms", type=float, default=33.0)
    parser.add_argument("--cadence", action="store_true", help="the live cadence's delay")
    args = parser.parse_args()
    if args.cadence:
        cadence(args.trials)
        return
    sharp, blurred = frames()
    for name, frame in blurred:
        if decode(frame):
            sys.exit(f"{name}: some pass reads it; pick a frame nothing reads")
    configs: list[int | None] = [None, *args.budgets]
    sources = {b: source(b) for b in configs}
    print(f"{args.trials} trials per frame and setting, interleaved; sharp frame arrives "
          f"{args.arrive_ms:.0f} ms into the blurred frame's decode")  # fmt: skip
    for name, frame in blurred:
        got: dict[int | None, list[float]] = {b: [] for b in configs}
        for _ in range(args.trials):
            for b in configs:
                got[b].append(trial(sources[b], frame, sharp, args.arrive_ms / 1000))
        base = statistics.median(got[None])
        print(f"\n{name}: arrival → read, median (max) of {args.trials}")
        for b in configs:
            med = statistics.median(got[b])
            label = "no budget (whole chain)" if b is None else f"fallback_budget_ms = {b}"
            print(f"  {label:26} {med * 1000:7.0f} ms ({max(got[b]) * 1000:5.0f})"
                  f"  ratio {med / base:.2f}")  # fmt: skip
    print("\nframes abandoned per setting:",
          ", ".join(f"{b}: {s.stats.frames_abandoned}" for b, s in sources.items()))  # fmt: skip


if __name__ == "__main__":
    main()
