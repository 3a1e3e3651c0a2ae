"""Reviewed corrections to labels of the shared photo set, applied only in the benchmark.

The shared data (``MANIFEST.tsv``) is not edited: other benches and the held-out set come
from the same sources. ``bench/barcodes.py`` prints its cross-validated figures on the labels
as listed *and*, separately, with these corrections (docs/camera-scanning.md, round 5).

A correction goes in only with evidence that does not come from the decoder under test
alone: two independent engines agreeing on a payload whose own check digits hold, and what
the photo shows (symbol shape, printed digits). Suspected labels without such evidence are
listed in ``SUSPECTED`` and change no figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class LabelCorrection:
    file: str  # as in MANIFEST.tsv, relative to the data folder
    listed: str  # the manifest's expected_norm: a correction of a changed label is not applied
    family: str  # the format the photo shows
    expected: str  # canonical, as expected_norm
    reason: str


_EXPANDED = "0198898765432106320201234515991231"  # (01)98898765432106(3202)012345(15)991231
_WHY = (
    "a two-row stacked symbol, not RSS-14; read as DataBar Expanded {engines}, with the same "
    "string every time (GTIN check digit holds; it is the payload of zxing's own DataBar "
    "Expanded test images) and never as the listed GTIN, which comes from zxing's rss14-2 "
    "test set, where only some images must decode{extra}"
)

CORRECTIONS: tuple[LabelCorrection, ...] = (
    LabelCorrection(
        "databar/zx_rss14-2_1.png",
        "0104412345678909",
        "databar-expanded",
        _EXPANDED,
        _WHY.format(
            engines="by pyzbar (2x and 3x upscale) and by zxing-cpp (2x upscale, unsharp mask)",
            extra="",
        ),
    ),
    LabelCorrection(
        "databar/zx_rss14-2_3.png",
        "0104412345678909",
        "databar-expanded",
        _EXPANDED,
        _WHY.format(
            engines="by zxing-cpp (2x and 3x upscale, unsharp mask; pyzbar reads nothing)",
            extra="; the same symbol as rss14-2_1, listed with the same label",
        ),
    ),
)

# Looked at, not corrected: no reader decodes the symbol, so nothing confirms a new label.
SUSPECTED = {
    "databar/zx_rss14-2_17.png": "the printed text under the bars reads (01)012345678901…, "
    "not the listed (01)02001234567893; the symbol is defocused and carries a composite "
    "component, and no engine reads it",
}


class _Sample(Protocol):
    family: str
    file: Path
    expected: str
    listed_family: str


S = TypeVar("S", bound=_Sample)


def corrected(
    samples: list[S], root: Path, corrections: tuple[LabelCorrection, ...] = CORRECTIONS
) -> tuple[list[S], list[LabelCorrection], list[LabelCorrection]]:
    """``samples`` with the corrections applied (family and expected replaced; the listed
    family kept, so the folds stay the same), the corrections applied, and those not applied
    because the manifest's label is no longer the one they correct."""
    by_file = {c.file: c for c in corrections}
    out, applied, stale = [], [], []
    for sample in samples:
        fix = by_file.get(sample.file.relative_to(root).as_posix())
        if fix is None:
            out.append(sample)
        elif sample.expected != fix.listed:
            stale.append(fix)
            out.append(sample)
        else:
            applied.append(fix)
            out.append(
                replace(  # type: ignore[type-var]
                    sample, family=fix.family, expected=fix.expected, listed_family=sample.family
                )
            )
    return out, applied, stale
