"""The camera benchmark's reviewed label corrections (bench/barcode_labels.py): applied only
where the manifest still lists the label they correct, the folds unchanged, and the evidence
each correction cites reproducible from the shared photos."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp
from pyzbar import pyzbar

from bench import barcode_cv as cv
from bench import barcode_labels as labels
from bench import barcodes as bench
from kiosk.domain.scan import Symbology
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS, decode

ROOT = Path("/data")


def _sample(file: str, family: str, expected: str) -> bench.Sample:
    return bench.Sample(family, ROOT / file, expected)


def test_function_correction_applies_only_to_the_label_it_corrects():
    """GIVEN a correction for two files, one still listed with the corrected label and one
    whose manifest label has since changed WHEN applied THEN only the first changes, keeps
    its listed format for the folds, and the second is reported stale."""
    fixes = (
        labels.LabelCorrection("databar/a.png", "0104412345678909", "databar-expanded", "01X", "r"),
        labels.LabelCorrection("databar/b.png", "0104412345678909", "databar-expanded", "01X", "r"),
    )
    samples = [
        _sample("databar/a.png", "databar", "0104412345678909"),
        _sample("databar/b.png", "databar", "0100000000000000"),  # relabelled upstream
        _sample("ean13/c.png", "ean13", "4901234567894"),
    ]
    out, applied, stale = labels.corrected(samples, ROOT, fixes)
    assert [(s.family, s.expected, s.stratum) for s in out] == [
        ("databar-expanded", "01X", "databar"),
        ("databar", "0100000000000000", "databar"),
        ("ean13", "4901234567894", "ean13"),
    ]
    assert applied == [fixes[0]]
    assert stale == [fixes[1]]


def test_function_corrections_keep_the_folds():
    """GIVEN the shipped corrections applied to a manifest-like list WHEN the folds are drawn
    on the strata THEN they equal the folds on the listed formats."""
    samples = [_sample(f.file, "databar", f.listed) for f in labels.CORRECTIONS]
    samples += [_sample(f"ean13/{i}.png", "ean13", "4901234567894") for i in range(20)]
    samples += [_sample(f"databar/{i}.png", "databar", "0100000000000000") for i in range(9)]
    out, applied, _ = labels.corrected(samples, ROOT)
    assert len(applied) == len(labels.CORRECTIONS)
    assert cv.folds([s.stratum for s in out]) == cv.folds([s.family for s in samples])


def _manifest() -> dict[str, bench.Sample]:
    if not (bench.DATA / "MANIFEST.tsv").is_file():
        pytest.skip(f"shared benchmark photos not found at {bench.DATA}")
    return {
        s.file.relative_to(bench.DATA).as_posix(): s for s in bench.load_manifest(bench.DATA, None)
    }


def _reads(path: Path) -> set[tuple[str, str]]:
    """(engine, canonical payload) read from the photo upscaled 2x and 3x, plain and with
    the unsharp mask the reasons cite."""
    grey = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    out = set()
    for scale in (2, 3):
        big = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        sharp = cv2.addWeighted(big, 2.0, cv2.GaussianBlur(big, (0, 0), scale), -1.0, 0)
        for image in (big, sharp):
            image = np.ascontiguousarray(image)
            for r in zxingcpp.read_barcodes(image):
                out.add(("zxing", bench.canonical("databar-expanded", r.text)))
            for r in pyzbar.decode(image):
                out.add(("zbar", bench.canonical("databar-expanded", r.data.decode())))
    return out


@pytest.mark.parametrize("fix", labels.CORRECTIONS, ids=lambda f: f.file)
def test_function_correction_evidence_reproduces(fix: labels.LabelCorrection):
    """GIVEN a shipped correction WHEN its photo is read as its reason says THEN the manifest
    still lists the corrected label, zxing-cpp reads the corrected payload, pyzbar reads it
    too where the reason says so, and no engine reads anything else."""
    sample = _manifest()[fix.file]
    assert sample.expected == fix.listed
    reads = _reads(sample.file)
    assert ("zxing", fix.expected) in reads
    assert ("zbar", fix.expected) in reads or "pyzbar reads nothing" in fix.reason
    assert {payload for _, payload in reads} == {fix.expected}


def test_function_decoder_reads_the_stacked_expanded_symbol_confirmed():
    """GIVEN rss14-2_1 (a stacked DataBar Expanded the manifest calls RSS-14) WHEN decoded
    with the shipped options THEN the fallback passes read the Expanded string and two passes
    confirm it; with DataBar left out of the fallback passes nothing is read."""
    sample = _manifest()["databar/zx_rss14-2_1.png"]
    image = cv2.imread(str(sample.file), cv2.IMREAD_COLOR)
    codes = decode(image)
    assert [(c.symbology, c.code, c.confirmed) for c in codes] == [
        (Symbology.DATABAR_EXPANDED, labels.CORRECTIONS[0].expected, True)
    ]
    assert "&" in codes[0].stage  # two passes agreed
    assert decode(image, replace(DEFAULT_OPTIONS, fallback_databar=False)) == []
