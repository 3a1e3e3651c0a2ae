"""Round 9: ``--variants-live`` in shards — every photo in exactly one shard, the dumps merge
into what one process reports, and a kind some photo is missing from is not reported as if
it were the whole set."""

from __future__ import annotations

import pytest

from bench import barcode_cv as cv
from bench import variants_live as live


def _row(hit: bool, false: int, raw_false: int = 0) -> live.LiveRow:
    return live.LiveRow(
        cv.Outcome("upca", hit, False, false, 0), cv.Outcome("upca", False, False, raw_false, 0),
        stacked=False, defocus=hit,
    )  # fmt: skip


def test_function_shards_cover_every_photo_once_in_a_seeded_order():
    shards = [live.order(47, (i, 3)) for i in range(3)]
    assert sorted(i for s in shards for i in s) == list(range(47))
    assert shards[0] == live.order(47, (0, 3))  # the same order every run
    assert shards[0] != sorted(shards[0])  # not the manifest's (format by format) order
    assert live.shard_of("2/3") == (2, 3)
    with pytest.raises(ValueError):
        live.shard_of("3/3")


def test_function_dumps_merge_into_the_whole_set(tmp_path):
    names = [f"p{i}.png" for i in range(10)]
    rows = {n: _row(i % 2 == 0, i % 5 == 0, 1) for i, n in enumerate(names)}
    for k in range(2):
        mine = {n: rows[n] for i, n in enumerate(names) if live.in_shard(i, (k, 2))}
        live.dump(tmp_path / f"{k}.json", {"motion": mine})
    merged = live.merge([tmp_path / "0.json", tmp_path / "1.json"])
    assert live.complete(merged, names)["motion"] == [rows[n] for n in names]
    fold = [i % cv.K for i in range(10)]
    assert live.per_fold_false([rows[n] for n in names], fold) == "2/2, 0/2, 0/2, 0/2, 0/2"


def test_function_a_kind_missing_photos_is_reported_only_when_asked(tmp_path, capsys):
    names = ["a.png", "b.png", "c.png"]
    live.dump(tmp_path / "0.json", {"defocus": {"a.png": _row(True, 0), "c.png": _row(False, 1)}})
    merged = live.merge([tmp_path / "0.json"])
    assert live.complete(merged, names) == {}
    assert "1 of 3 photos missing" in capsys.readouterr().out
    partial = live.complete(merged, names, partial=True)["defocus"]
    assert partial[1] is None and partial[0] == _row(True, 0)
    assert live.per_fold_false(partial, [0, 1, 2]) == "0/0, 0/0, 1/0, 0/0, 0/0"
