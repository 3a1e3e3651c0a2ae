"""The fallback chain's cost, round 8: the decoder as it is against a baseline ``ean_fit``.

Decodes every ``--every``-th shared photo with the working tree's decoder and with the same
decoder whose ``fit`` engine is a baseline copy of ``ean_fit.py`` (``--baseline FILE``, e.g.
``git show <commit>:plugins/scanner_camera/ean_fit.py > /tmp/old_ean_fit.py``), taking turns
photo by photo on one core, and checks that both return the same reads, every field
(code, raw, corners, engine, stage, confirmed). Reports CPU time per photo, split into photos
where nothing is accepted (the whole chain runs) and the rest, as ratios to the baseline
and to raw zxing-cpp in the same run.

    .venv/bin/python bench/camera_fit_cost.py --baseline /tmp/old_ean_fit.py [--every 1]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

import cv2

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.barcodes import DATA, load_manifest, read_zxing  # noqa: E402
from plugins.scanner_camera import decoder as dec  # noqa: E402


def _baseline(path: Path):
    spec = importlib.util.spec_from_file_location("baseline_ean_fit", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _timed(fn, *args):
    start = time.process_time()
    out = fn(*args)
    return out, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a baseline ean_fit.py")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--every", type=int, default=1, help="every N-th photo only")
    parser.add_argument("--names", type=Path, help="a file listing photo file names: only these")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    base = _baseline(args.baseline)

    def old_read(bands, refine=base.REFINE, should_stop=None, shortlist=None):
        return base.read_profiles(bands, refine, should_stop)  # a baseline has no shortlist

    new_read = dec.read_profiles
    samples = load_manifest(args.data, None)[:: args.every]
    if args.names:
        wanted = set(args.names.read_text(encoding="utf-8").split())
        samples = [s for s in samples if s.file.name in wanted]
    rows, differ = [], []
    for n, sample in enumerate(samples):
        image = cv2.imread(str(sample.file), cv2.IMREAD_COLOR)
        if image is None:
            continue
        order = ("old", "new") if n % 2 else ("new", "old")
        got, secs = {}, {}
        for which in order:
            dec.read_profiles = old_read if which == "old" else new_read
            try:
                got[which], secs[which] = _timed(dec.decode, image)
            finally:
                dec.read_profiles = new_read
        _, secs["zxing"] = _timed(read_zxing, image)
        if got["old"] != got["new"]:
            differ.append(sample.file.name)
        unread = not any(c.confirmed for c in got["new"])
        rows.append((sample.file.name, unread, secs["old"], secs["new"], secs["zxing"]))
        print(f"{sample.file.name:32s} {'unread' if unread else 'read  '} "
              f"old {secs['old']*1e3:8.1f} new {secs['new']*1e3:8.1f} zxing {secs['zxing']*1e3:6.1f} ms"
              f"{'  DIFFERENT' if got['old'] != got['new'] else ''}", flush=True)  # fmt: skip
    print()
    for label, keep in (("nothing accepted", True), ("something accepted", False)):
        part = [r for r in rows if r[1] is keep]
        if not part:
            continue
        old, new, zx = (sum(r[i] for r in part) for i in (2, 3, 4))
        ratios = [r[3] / r[2] for r in part if r[2] > 0]
        print(f"{label:20s} {len(part):4d} photos: old {old:7.2f} s ({old / zx:5.1f}x zxing), "
              f"new {new:7.2f} s ({new / zx:5.1f}x zxing); new/old total {new / old:.2f}, "
              f"median per photo {statistics.median(ratios):.2f}")  # fmt: skip
    print(f"all fields identical on {len(rows) - len(differ)} of {len(rows)} photos"
          + (f"; different: {', '.join(differ)}" if differ else ""))  # fmt: skip
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
