"""The region finders' cost, round 8: this tree's decoder against a baseline tree's.

Loads ``plugins.scanner_camera`` twice in one process, from this tree and from ``--base``
(e.g. ``git worktree add --detach /tmp/base <commit>``), pinned to one core.

``--photos``: decodes every ``--every``-th shared photo with both, taking turns, and checks
that both return the same reads, every field (code, raw, corners, engine, stage, confirmed),
and that the three region finders (default, stacked-DataBar, coarse/defocus) return the
same regions. ``--empty``: the benchmark's synthetic empty cluttered frames (``bench
/barcodes.py``'s), 1280×720 and 640×480, CPU time per frame for base, new and pyzbar taking
turns frame by frame, ``--rounds`` times; per round the median per reader (as the
benchmark's ``time_frames``; also the mean, which the rare frames with a long defocus or
stacked step move), then the median of the rounds' ratios. These are **single-frame** costs:
:func:`decode` with every step, what one image costs.

Round 9: also the **live per-frame average** (``live``): a live source's frames take turns
with the two last steps (:mod:`plugins.scanner_camera.cadence`), so each frame is decoded
with both turns' options and the two times averaged — what a run of empty camera frames
costs per frame. It is not what one frame costs, and not what the benchmark reports.
``--plain``: the same on frames of a counter with nothing on it (smooth light, soft shadows,
sensor noise), where the finders' early exit (too few dense edge pixels for a blob) applies;
the benchmark's cluttered frames never take it.

    .venv/bin/python bench/camera_region_cost.py --base /tmp/base --photos --empty
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.barcodes import DATA, load_manifest, read_pyzbar, synthetic_frames  # noqa: E402


def _tree(root: Path):
    """``plugins.scanner_camera.decoder`` as imported from ``root`` (a second copy)."""
    mine = {k: v for k, v in sys.modules.items() if k == "plugins" or k.startswith("plugins.")}
    for k in mine:
        del sys.modules[k]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module("plugins.scanner_camera.decoder")
    finally:
        sys.path.remove(str(root))
        for k in [k for k in sys.modules if k == "plugins" or k.startswith("plugins.")]:
            del sys.modules[k]
        sys.modules.update(mine)


def _regions(dec, image) -> tuple:
    """The three finders' regions on one frame, as the decoder runs them."""
    gray = dec._gray(image)
    opts = dec.DEFAULT_OPTIONS
    grads = dec.gradients(gray, opts.regions.work_size)
    default = dec.find_barcode_regions(gray, opts.regions, grads)
    stacked = dec.stacked_regions(gray, default, grads=grads)
    coarse = dec.defocus_regions(gray, default, grads)
    return default, stacked, coarse


def _cpu(fn, *args):
    start = time.process_time()
    out = fn(*args)
    return out, time.process_time() - start


def photos(new, old, every: int) -> int:
    differ = []
    samples = load_manifest(DATA, None)[::every]
    for n, sample in enumerate(samples):
        image = cv2.imread(str(sample.file), cv2.IMREAD_COLOR)
        if image is None:
            continue
        got = {}
        for which, dec in (("old", old), ("new", new)) if n % 2 else (("new", new), ("old", old)):
            got[which] = (repr(dec.decode(image)), repr(_regions(dec, image)))
        same_reads = got["old"][0] == got["new"][0]
        same_regions = got["old"][1] == got["new"][1]
        if not (same_reads and same_regions):
            differ.append(f"{sample.file.name} (reads {same_reads}, regions {same_regions})")
            print("DIFFERENT", differ[-1], flush=True)
    print(f"photos: reads and regions identical on {len(samples) - len(differ)} of {len(samples)}"
          + (f"; different: {', '.join(differ)}" if differ else ""))  # fmt: skip
    return len(differ)


def _live_turns(new):
    """The live cadence's two turns (this tree's decoder with one last step off each)."""
    cadence = importlib.import_module("plugins.scanner_camera.cadence").LastStepCadence
    turns = cadence(new.DEFAULT_OPTIONS)
    first, second = turns.next(), turns.next()
    # a frame's live cost: the mean of its two turns (consecutive frames alternate)
    return lambda frame: (new.decode(frame, first), new.decode(frame, second))


def plain_frames(width: int, height: int, count: int, noise: float = 5.0) -> list[np.ndarray]:
    """A counter with nothing on it: smooth light, three soft shadows, sensor noise."""
    out = []
    for i in range(count):
        rng = np.random.default_rng(2000 + i)
        ys, xs = np.mgrid[0:height, 0:width]
        light = 150 + 40 * np.cos(xs / width * 2 + i) * np.sin(ys / height * 1.5)
        shade = np.zeros((height, width), np.float32)
        for _ in range(3):
            centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            axes = (
                int(rng.integers(width // 10, width // 4)),
                int(rng.integers(height // 10, height // 4)),
            )
            cv2.ellipse(shade, centre, axes, 0, 0, 360, 1.0, -1)
        grey = light - 40 * cv2.GaussianBlur(shade, (0, 0), width / 40)
        bgr = np.repeat(grey[..., None], 3, axis=2) + rng.normal(0, noise, (height, width, 3))
        out.append(np.clip(bgr, 0, 255).astype(np.uint8))
    return out


def empty(new, old, rounds: int, count: int, plain: bool = False) -> None:
    for width, height in ((1280, 720), (640, 480)):
        frames = (
            plain_frames(width, height, count)
            if plain
            else synthetic_frames(width, height, count)[0]
        )
        if plain:
            print(f"{width}x{height}: plain frames (a counter with nothing on it)")
        readers = {"base": old.decode, "new": new.decode, "pyzbar": read_pyzbar}
        readers["live"] = _live_turns(new)
        for reader in readers.values():
            reader(frames[0])
        ratios: dict[str, list[float]] = {
            "base": [],
            "new": [],
            "new/base": [],
            "mean new/base": [],
            "live": [],
        }
        for r in range(rounds):
            times: dict[str, list[float]] = {name: [] for name in readers}
            for i, frame in enumerate(frames):
                names = list(readers) if (i + r) % 2 else list(readers)[::-1]
                for name in names:
                    spent = _cpu(readers[name], frame)[1]
                    times[name].append(spent / 2 if name == "live" else spent)
            med = {name: statistics.median(t) for name, t in times.items()}
            mean = {name: statistics.mean(t) for name, t in times.items()}
            ratios["mean new/base"].append(mean["new"] / mean["base"])
            ratios["base"].append(med["base"] / med["pyzbar"])
            ratios["new"].append(med["new"] / med["pyzbar"])
            ratios["new/base"].append(med["new"] / med["base"])
            ratios["live"].append(med["live"] / med["pyzbar"])
            print(f"{width}x{height} round {r + 1}: base {1e3 * med['base']:.1f} ms, new "
                  f"{1e3 * med['new']:.1f} ms, pyzbar {1e3 * med['pyzbar']:.1f} ms; of pyzbar "
                  f"base {ratios['base'][-1]:.3f} new {ratios['new'][-1]:.3f} (single frame),"
                  f" new live {ratios['live'][-1]:.3f} (per-frame average, cadence)", flush=True)  # fmt: skip
        print(f"{width}x{height} median of {rounds} rounds: of pyzbar, single frame: base "
              f"{statistics.median(ratios['base']):.3f}, new {statistics.median(ratios['new']):.3f};"
              f" new/base {statistics.median(ratios['new/base']):.3f} (of the means"
              f" {statistics.median(ratios['mean new/base']):.3f}); live per-frame average"
              f" (cadence, live sources only) {statistics.median(ratios['live']):.3f}"
              f" [rounds: base {_spread(ratios['base'])}, new {_spread(ratios['new'])},"
              f" live {_spread(ratios['live'])}]"
              f"  (load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip


def _spread(values: list[float]) -> str:
    return f"{min(values):.3f}–{max(values):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="a baseline project tree")
    parser.add_argument("--photos", action="store_true", help="compare reads on the photos")
    parser.add_argument("--every", type=int, default=1, help="every N-th photo only")
    parser.add_argument("--empty", action="store_true", help="time the empty frames")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=20, help="empty frames per size")
    parser.add_argument("--plain", action="store_true", help="also time plain (counter) frames")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    old = _tree(args.base.resolve())
    new = importlib.import_module("plugins.scanner_camera.decoder")
    assert old is not new and Path(old.__file__).resolve() != Path(new.__file__).resolve()
    if args.empty:
        empty(new, old, args.rounds, args.count)
    if args.plain:
        empty(new, old, args.rounds, args.count, plain=True)
    return 1 if args.photos and photos(new, old, args.every) else 0


if __name__ == "__main__":
    raise SystemExit(main())
