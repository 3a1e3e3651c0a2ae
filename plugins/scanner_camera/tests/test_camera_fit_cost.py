"""Round 8: ``fit+bars5`` made cheaper without changing its reads — a shortlist of
placements ranked by the whole rendered code, bands read only until the vote is settled,
and a band's read remembered by its profile."""

from __future__ import annotations

from collections import OrderedDict

import cv2
import numpy as np
import pytest

from plugins.scanner_camera import ean_fit
from plugins.scanner_camera.bars import profiles
from plugins.scanner_camera.decoder import DEFAULT_OPTIONS
from plugins.scanner_camera.regions import find_barcode_regions

from .factories import SHARED_BARCODES
from .test_camera_ean_fit import _defocused, _modules


@pytest.fixture
def scripted(monkeypatch):
    """``read_profile`` replaced by a script keyed by each profile's first sample, with a
    fresh memo; returns the list of first samples it was asked about, in order."""
    asked: list[float] = []

    def install(script: dict[float, str | None]) -> list[float]:
        def read(profile, refine=None, should_stop=None, shortlist=None, max_sigma=None, *_):
            asked.append(float(profile[0]))
            return script[float(profile[0])]

        monkeypatch.setattr(ean_fit, "read_profile", read)
        monkeypatch.setattr(ean_fit, "_MEMO", OrderedDict())
        return asked

    return install


def _bands(*firsts: float) -> list[np.ndarray]:
    return [np.full(50, v) for v in firsts]


def test_function_bands_stop_once_two_codes_disagree(scripted):
    """GIVEN six bands of which the first two read different codes WHEN read THEN nothing,
    and the other four are never asked (they could not make the vote agree)."""
    asked = scripted({1.0: "A", 2.0: "B", 3.0: "A", 4.0: "A", 5.0: "A", 6.0: "A"})
    assert ean_fit.read_profiles(_bands(1, 2, 3, 4, 5, 6), refine=None) is None
    assert asked == [1.0, 2.0]


def test_function_bands_stop_once_no_code_can_reach_two(scripted):
    """GIVEN six bands, the first five reading nothing WHEN read THEN the sixth is not asked
    (one band alone is never enough); GIVEN one read among the first five THEN it is."""
    asked = scripted({float(v): None for v in range(1, 7)})
    assert ean_fit.read_profiles(_bands(1, 2, 3, 4, 5, 6), refine=None) is None
    assert asked == [1.0, 2.0, 3.0, 4.0, 5.0]
    asked.clear()
    script = {float(v): None for v in range(1, 7)} | {3.0: "A", 6.0: "A"}
    asked = scripted(script)
    assert ean_fit.read_profiles(_bands(1, 2, 3, 4, 5, 6), refine=None) == "A"
    assert asked == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_function_a_band_read_is_remembered_by_its_profile(scripted):
    """GIVEN the same two profiles read twice (an ``@wide`` crop clipped to the frame is the
    same crop for two regions) WHEN read again THEN the reads come from the memo."""
    asked = scripted({1.0: "A", 2.0: "A"})
    assert ean_fit.read_profiles(_bands(1, 2), refine=None) == "A"
    assert ean_fit.read_profiles(_bands(1, 2), refine=None) == "A"
    assert asked == [1.0, 2.0]
    # another ``refine`` is another question
    assert ean_fit.read_profiles(_bands(1, 2), refine=2) == "A"
    assert asked == [1.0, 2.0, 1.0, 2.0]


def test_function_a_stopped_band_is_not_remembered():
    """GIVEN a defocused code WHEN its read is stopped THEN the next, unstopped read still
    reads it (a stopped read was not remembered as ``None``)."""
    code = "0036000291452"
    bands = profiles(_defocused(_modules(code), 2.0, 1.2), bands=5, overlap=True)
    ean_fit._MEMO.clear()
    with pytest.raises(ean_fit.Stopped):
        ean_fit.read_profiles(bands, refine=None, shortlist=3, should_stop=lambda: True)
    assert ean_fit.read_profiles(bands, refine=None, shortlist=3) == code


def test_function_shortlist_reads_what_refining_every_placement_reads():
    """GIVEN defocused codes WHEN the shortlist of three is refined THEN the same read as with
    every placement refined, and a code drawn with a wrong check digit is still not read."""
    for code in ("0036000291452", "4901234567894"):
        bands = profiles(_defocused(_modules(code), 2.0, 1.2), bands=5, overlap=True)
        ean_fit._MEMO.clear()
        assert ean_fit.read_profiles(bands, refine=None, shortlist=ean_fit.SHORTLIST) == code
    wrong = profiles(_defocused(_modules("4901234567895"), 3.0, 0.6), bands=5, overlap=True)
    assert ean_fit.read_profiles(wrong, refine=None, shortlist=ean_fit.SHORTLIST) is None


def test_function_whole_code_ranking_puts_the_code_first_on_upca_2_40():
    """GIVEN ``upca-2_40``, where the digit-by-digit match ranks two half-width blocks above
    the whole code WHEN only the first placement is refined THEN ranked digit by digit it
    reads nothing, ranked by the whole rendered code it reads the listed code."""
    path = SHARED_BARCODES / "upca/zx_upca-2_40.png"
    if not path.is_file():
        pytest.skip(f"shared benchmark photos not found at {SHARED_BARCODES}")
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    region = find_barcode_regions(gray, DEFAULT_OPTIONS.regions)[0]
    crop = gray[region.y : region.y + region.height, region.x : region.x + region.width]
    bands = profiles(crop, bands=5, overlap=True)
    ean_fit._MEMO.clear()
    assert ean_fit.read_profiles(bands, refine=1) is None
    assert ean_fit.read_profiles(bands, refine=None, shortlist=1) == "0012546619592"
