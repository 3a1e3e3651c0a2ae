"""How long a scan waits while the kiosk takes a newly applied 100k-item catalogue.

A master-data apply ends in ``runtime.reload_catalogue()``. A thread runs it (100,000
products) while the main thread scans a known product every 5 ms; the longest scan and the
p99 are compared with the same scans when nothing reloads (the floor, same run). For
contrast the previous way — loading while holding the runtime lock — is measured too.

    .venv/bin/python bench/catalogue_reload.py [--items 100000] [--rounds 3]

Floor and reload rounds alternate (``--rounds`` of each), so both see the same machine load;
each round's max is printed, then all rounds together.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.scan import Scan

GAP_S = 0.005


def scan_latencies(runtime, code: str, during) -> list[float]:
    """Scan ``code`` every GAP_S until ``during`` finishes (or 1 s when it is None)."""
    if not runtime.checkout.basket.is_empty():  # start empty: the piece limit is per item
        runtime.cancel()
    done = threading.Event()
    worker = None
    if during is not None:
        worker = threading.Thread(target=lambda: (during(), done.set()))
        worker.start()
    else:
        threading.Timer(1.0, done.set).start()
    out = []
    while not done.is_set():
        began = time.perf_counter()
        outcome = runtime.handle_scan(Scan(code, source="bench"))
        out.append(time.perf_counter() - began)
        assert outcome.accepted, outcome
        if len(out) % 200 == 0:  # stay below the basket's piece limit
            runtime.cancel()
        time.sleep(GAP_S)
    if worker is not None:
        worker.join()
    return out


def old_reload(runtime) -> None:
    """The previous reload_catalogue: the whole load under the runtime lock."""
    with runtime._lock:
        runtime.catalogue = runtime.store.load_catalogue()
        runtime.checkout.catalogue = runtime.catalogue


def report(name: str, values: list[float], floor: float | None = None) -> float:
    ms = sorted(v * 1000 for v in values)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    tail = f"   max/floor max {ms[-1] / floor:6.1f}x" if floor else ""
    print(
        f"  {name:34s} n={len(ms):4d}  p50 {statistics.median(ms):6.2f} ms  "
        f"p99 {p99:7.2f} ms  max {ms[-1]:7.2f} ms{tail}"
    )
    return ms[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runtime = build_runtime(load_config(None, data_dir=Path(tempfile.mkdtemp()) / "kiosk"))
    try:
        known = next(p for p in runtime.catalogue if p.gtin)
        template = known
        products = [known] + [
            replace(
                template, sku=f"B{n:07d}", gtin=None, plu=f"9{n:06d}", name_en=f"Bench item {n}"
            )
            for n in range(args.items - 1)
        ]
        began = time.perf_counter()
        runtime.store.replace_catalogue(products)
        print(
            f"catalogue of {args.items:,} products written in {time.perf_counter() - began:.1f} s"
        )
        runtime.reload_catalogue()
        began = time.perf_counter()
        runtime.store.load_catalogue()
        print(f"one load_catalogue: {(time.perf_counter() - began) * 1000:.0f} ms")
        floors, reloads = [], []
        for n in range(1, args.rounds + 1):
            quiet = scan_latencies(runtime, known.gtin, None)
            floors += quiet
            report(f"round {n}: floor", quiet)
            during = scan_latencies(runtime, known.gtin, runtime.reload_catalogue)
            reloads += during
            report(f"round {n}: during reload_catalogue", during)
        floor = report("scans, nothing reloading (floor)", floors)
        report("scans during reload_catalogue", reloads, floor)
        report(
            "scans during the old locked reload",
            scan_latencies(runtime, known.gtin, lambda: old_reload(runtime)),
            floor,
        )
        print("goal: a scan during the reload blocks <= 50 ms")
    finally:
        runtime.shutdown()


if __name__ == "__main__":
    main()
