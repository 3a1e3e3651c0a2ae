"""``--variants-live`` in shards: decode a share of the photos' shopper-like variants with the
shipped options in one process, dump each photo's outcome, and merge the dumps into the
table (round 9).

On a loaded 2-core machine one process decoding all 3 × 469 frames takes hours (the fit
passes run on every region of every frame nothing reads); shards run side by side and the
merge prints exactly what one process would, with the false reads per fold for stratified
*and* grouped folds (the folds need every photo, so the merge rebuilds them from the
manifest, in its order).

    .venv/bin/python bench/barcodes.py --variants-live --kinds motion --shard 0/3 --dump a.json
    .venv/bin/python bench/barcodes.py --variants-live --merge a.json b.json ...
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from bench import barcode_cv as cv


@dataclass(frozen=True)
class LiveRow:
    """One frame: the plugin's and raw zxing-cpp's outcomes, and whether the expected code
    was read only by the stacked-DataBar or only by the defocus step."""

    plugin: cv.Outcome
    raw: cv.Outcome
    stacked: bool
    defocus: bool


def shard_of(text: str) -> tuple[int, int]:
    """``"i/n"`` → (i, n), 0 ≤ i < n."""
    i, n = (int(x) for x in text.split("/"))
    if not 0 <= i < n:
        raise ValueError(f"shard {text!r}: want i/n with 0 <= i < n")
    return i, n


def in_shard(index: int, shard: tuple[int, int]) -> bool:
    """Every n-th photo from the i-th: each shard gets a share of every format."""
    return index % shard[1] == shard[0]


def order(count: int, shard: tuple[int, int], seed: int = cv.SEED) -> list[int]:
    """The shard's photo indices in a seeded random order."""
    mine = [i for i in range(count) if in_shard(i, shard)]
    random.Random(seed).shuffle(mine)
    return mine


def dump(path: Path, rows: dict[str, dict[str, LiveRow]]) -> None:
    """``rows[kind][file name]`` as JSON."""
    out = {k: {f: _plain(r) for f, r in by_file.items()} for k, by_file in rows.items()}
    path.write_text(json.dumps(out))


def _plain(row: LiveRow) -> dict:
    return {
        "plugin": asdict(row.plugin),
        "raw": asdict(row.raw),
        "stacked": row.stacked,
        "defocus": row.defocus,
    }


def merge(paths: Iterable[Path]) -> dict[str, dict[str, LiveRow]]:
    """The dumps of all shards, by kind and file name (a frame in two dumps: the last)."""
    out: dict[str, dict[str, LiveRow]] = {}
    for path in paths:
        for kind, by_file in json.loads(path.read_text()).items():
            mine = out.setdefault(kind, {})
            for name, r in by_file.items():
                mine[name] = LiveRow(
                    cv.Outcome(**r["plugin"]), cv.Outcome(**r["raw"]), r["stacked"], r["defocus"]
                )
    return out


def complete(
    rows: dict[str, dict[str, LiveRow]], names: list[str], partial: bool = False
) -> dict[str, list[LiveRow | None]]:
    """Per kind, the rows in manifest order; a kind some photo is missing from is left out
    (and named), so no table is printed from part of the photos — unless ``partial``: then
    a missing photo is ``None`` and every figure is over the frames present."""
    out: dict[str, list[LiveRow | None]] = {}
    for kind in cv.VARIANTS:
        got = rows.get(kind, {})
        missing = [n for n in names if n not in got]
        if missing and got:
            print(f"{kind}: {len(missing)} of {len(names)} photos missing from the dumps "
                  f"(e.g. {missing[0]}); {'partial' if partial else 'not reported'}")  # fmt: skip
        if got and (partial or not missing):
            out[kind] = [got.get(n) for n in names]
    return out


def per_fold_false(rows: list[LiveRow | None], fold: list[int]) -> str:
    """``plugin/zxing-cpp`` accepted false reads on each fold (over the frames present)."""
    plugin = np.array([r.plugin.false if r else 0 for r in rows])
    raw = np.array([r.raw.false if r else 0 for r in rows])
    f = np.array(fold)
    return ", ".join(f"{plugin[f == k].sum()}/{raw[f == k].sum()}" for k in range(cv.K))


def print_table(
    rows: dict[str, list[LiveRow | None]],
    folds: dict[str, list[int]],
    columns: tuple[str, ...],
    fold_means: Callable[[str, list, list, list[int]], None],
) -> None:
    """The ``--variants-live`` table: per kind, plugin and raw zxing-cpp, false reads per
    fold for each fold scheme in ``folds`` (plugin/zxing-cpp), then the per-fold means."""
    head = f"{'variant':10s}{'decoder':>10s}" + "".join(f"{c:>12s}" for c in columns)
    head += f"{'false':>7s}{'2nd fr':>8s}{'stacked':>8s}"
    print(head)
    print("-" * len(head))
    for kind, some in rows.items():
        present = [i for i, r in enumerate(some) if r is not None]
        got = [r for r in some if r is not None]
        plugin, raw = [r.plugin for r in got], [r.raw for r in got]
        if len(got) < len(some):
            print(f"{kind:10s}  partial: {len(got)} of {len(some)} frames")
        for name, outcomes in (("plugin", plugin), ("zxing-cpp", raw)):
            fig = cv.figures(outcomes)
            cells = "".join(cv.cell(fig[c]) for c in columns)
            extra = f"{sum(r.stacked for r in got):>8d}" if name == "plugin" else ""
            print(f"{kind:10s}{name:>10s}{cells}{int(fig['false']):>7d}"
                  f"{int(fig['second']):>8d}{extra}")  # fmt: skip
        for how, fold in folds.items():
            print(f"{kind:10s}  false per fold, {how} (plugin/zxing-cpp): "
                  f"{per_fold_false(some, fold)}")  # fmt: skip
        print(f"{kind:10s}  {sum(r.defocus for r in got)} photos read only by the defocus step")
        # the chain without the step on the same frames (round 7's reads, as the step runs
        # only when nothing else was accepted): its photos unread; a false read it made would
        # stay counted above (the plugin row's false reads bound them)
        fig = cv.figures(replace(r.plugin, hit=r.plugin.hit and not r.defocus) for r in got)
        cells = "".join(cv.cell(fig[c]) for c in columns)
        print(
            f"{kind:10s}{'no step':>10s}{cells}   (the same frames, the defocus step's reads left out)"
        )
        for how, fold in folds.items():
            print(f"{kind:10s}  per fold ({how}):")
            fold_means(kind, plugin, raw, [fold[i] for i in present])
