"""The camera benchmark's cross-validation machinery: the memoised replay scores exactly what
plain replay does, and the cache key ignores only the defaults cross-validation picks."""

from __future__ import annotations

import math
import random
from pathlib import Path

from bench import barcode_cv as cv
from bench import barcodes as bench
from kiosk.domain.scan import Symbology
from plugins.scanner_camera.decoder import DecodedCode

BOX = ((0, 0), (9, 0), (9, 9), (0, 9))


def _code(code: str, stage: str) -> DecodedCode:
    return DecodedCode(Symbology.EAN13, code, code, BOX, stage.split("+")[0], stage)


def _cached(rng: random.Random) -> cv.Cached:
    """An image whose regions some passes read: the right code, a wrong one, or nothing."""
    regions = []
    for _ in range(rng.randint(0, 3)):
        reads = {}
        for name in cv.PASS_ORDER:
            pick = rng.random()
            if pick < 0.15:
                reads[name] = [(_code("4901234567894", name), 1.0)]
            elif pick < 0.2:
                reads[name] = [(_code("4549131970258", name), 1.0)]
            else:
                reads[name] = []
        regions.append(reads)
    return cv.Cached([], [], regions, [], [])


def test_function_memoised_outcomes_equal_plain_replay():
    """GIVEN 60 synthetic images and 400 random configurations WHEN scored through the memo
    (which skips passes that read nothing) THEN every outcome equals plain replay's."""
    rng = random.Random(7)
    sample = bench.Sample("ean13", Path("x.png"), "4901234567894")
    images = [(sample, None)] * 60
    cached = [[_cached(rng)] for _ in images]
    bench._MEMO.clear()
    bench._LIVE.clear()
    bench._READERS.clear()
    configs = rng.sample(cv.configurations(), 400)
    for config in configs:
        options = config.options()
        memo = bench._outcomes(images, cached, 0, options)
        plain = [
            cv.outcome(
                "ean13",
                sample.expected,
                cv.replay(c[0], options),
                bench.canonical,
                bench._PLUGIN_FAMILY,
            )
            for c in cached
        ]
        assert memo == plain, config
    assert any(o.hit for o in memo) and any(not o.hit for o in memo)
    bench._MEMO.clear()
    bench._LIVE.clear()
    bench._READERS.clear()


def test_function_search_space_is_every_set_of_2_to_max_passes():
    configs = cv.configurations()
    sizes = {len(c.passes) for c in configs}
    assert sizes == {0, *range(2, cv.MAX_PASSES + 1)}
    assert all(set(c.passes) <= set(cv.PASS_ORDER) for c in configs)


def test_function_cache_key_ignores_the_chosen_defaults_even_over_several_lines():
    """GIVEN the decoder source with the passes default on one line or spread over several
    THEN what the cache key hashes is the same; another change to the source is not."""
    one = b'    passes: tuple[str, ...] = ("a+b", "c+d")\n    confirm_passes: int = 2\n'
    many = b'    passes: tuple[str, ...] = (\n        "a+b",\n        "x+y",\n    )\n'
    many += b"    confirm_passes: int = 2\n"
    other = one.replace(b"confirm_passes: int = 2", b"confirm_passes: int = 3")
    assert cv._CHOSEN.sub(b"", one) == cv._CHOSEN.sub(b"", many)
    assert cv._CHOSEN.sub(b"", one) != cv._CHOSEN.sub(b"", other)


def test_function_candidate_passes_are_cached_but_searched_only_when_asked():
    """The candidate passes are among the decoder's passes (so the cache holds them) but not
    in the default search; ``configurations(FULL_ORDER)`` includes them."""
    from plugins.scanner_camera.decoder import ALL_PASSES

    assert set(cv.CANDIDATES) <= set(ALL_PASSES)
    assert not set(cv.CANDIDATES) & set(cv.PASS_ORDER)
    assert set(cv.PASS_ORDER) | set(cv.CANDIDATES) == set(cv.FULL_ORDER)
    small = [c for c in cv.configurations(cv.FULL_ORDER) if len(c.passes) == 2]
    assert {p for c in small for p in c.passes} == set(cv.FULL_ORDER)


def test_function_search_order_adds_one_candidate_group_or_all():
    """``--candidates deblur`` searches the default passes and the deconvolution passes,
    not round 3's; ``all`` searches every pass; the order stays the cheap-first one."""
    assert cv.search_order(None) == cv.PASS_ORDER
    deblur = cv.search_order("deblur")
    assert set(deblur) == set(cv.PASS_ORDER) | set(cv.CANDIDATE_GROUPS["deblur"])
    assert not set(deblur) & set(cv.CANDIDATE_GROUPS["round3"])
    assert cv.search_order("all") == cv.FULL_ORDER
    assert list(deblur) == [p for p in cv.FULL_ORDER if p in deblur]


def test_function_pending_false_counts_unconfirmed_wrong_reads_in_the_budget():
    """GIVEN two configurations reading the same images, the one that reads more also leaves
    a wrong unconfirmed read WHEN chosen with only accepted false reads in the budget THEN it
    wins; WHEN unconfirmed wrong reads count too THEN the cleaner one wins on every fold."""
    eager, careful = cv.Config(("zxing+2x", "zxing+3x"), 1, 1), cv.Config(("zxing+2x",), 1, 1)
    fold = [k for k in range(cv.K) for _ in range(4)]

    def row(hit: bool, pending_wrong: int) -> cv.Outcome:
        return cv.Outcome("ean13", hit, False, 0, pending_wrong)

    def score(c: cv.Config) -> list[cv.Outcome]:
        return [row(True, 1) if c == eager and i % 4 == 0 else row(i % 4 != 0, 0)
                for i in range(len(fold))]  # fmt: skip

    raw = [row(False, 0) for _ in fold]
    assert set(cv.cross_validate([eager, careful], score, raw, fold).chosen) == {eager}
    strict = cv.cross_validate([eager, careful], score, raw, fold, pending_false=True)
    assert set(strict.chosen) == {careful}


def test_function_grouped_folds_keep_each_item_together_and_balance_formats():
    """GIVEN photos where one item of a series was photographed many times WHEN folds are
    grouped THEN every photo of an item sits in one fold, each format spreads over the
    folds as evenly as its groups allow, and the same input gives the same folds."""
    families = ["upca"] * 30 + ["ean13"] * 20
    groups = [f"upca-6:{i % 3}" for i in range(30)] + [f"ean13-1:{i}" for i in range(20)]
    fold = cv.grouped_folds(families, groups)
    for group in set(groups):
        assert len({f for f, g in zip(fold, groups, strict=True) if g == group}) == 1
    ean = [f for f, fam in zip(fold, families, strict=True) if fam == "ean13"]
    assert sorted(ean.count(k) for k in range(cv.K)) == [4] * cv.K
    assert fold == cv.grouped_folds(families, groups)


def test_function_extensions_append_every_subset_of_the_candidates_in_pass_order():
    base = cv.Config(("zbar+clahe", "zxing+2x@wide"), 2, 1, True)
    configs = cv.extensions(base, ["fit+bars", "fit+bars@wide"])
    assert [c.passes for c in configs[::2]] == [
        ("zbar+clahe", "zxing+2x@wide"),
        ("zbar+clahe", "zxing+2x@wide", "fit+bars"),
        ("zbar+clahe", "zxing+2x@wide", "fit+bars@wide"),
        ("zbar+clahe", "zxing+2x@wide", "fit+bars", "fit+bars@wide"),
    ]
    assert [c.databar for c in configs] == [False, True] * 4
    assert {(c.max_regions, c.confirm_engines) for c in configs} == {(2, 1)}


def test_function_a_fold_without_the_format_has_no_figure_for_it():
    """GIVEN a held-out fold with no RSS-14 photo (a grouped fold whose only RSS-14 labels a
    correction turned into DataBar Expanded) WHEN its figures are taken THEN RSS-14 has
    none (not 0 %), and the mean over the folds leaves it out and says so."""
    rows = [
        cv.Outcome("databar-expanded", True, False, 0, 0),
        cv.Outcome("ean13", True, False, 0, 0),
    ]
    fig = cv.figures(rows)
    assert math.isnan(fig["DataBar"])
    assert fig["DataBar+Exp"] == 100.0 and fig["EAN-13"] == 100.0
    assert cv.cell(fig["DataBar"]).strip() == "–"
    assert cv.spread([60.0, 100.0, fig["DataBar"], 100.0, 100.0]) == " 90.0 ± 17.3*"
    assert cv.spread([50.0, 100.0]) == " 75.0 ± 25.0"
