"""Stacked and small GS1 DataBar: a finer, second region proposal, read for DataBar only.

Fresh food in Japan carries DataBar (Expanded, often Stacked, with weight and price) on
small labels. The default finder (:mod:`.regions`) averages the gradient structure tensor
over 15 px windows at work scale; the rows of a DataBar Stacked symbol can be shorter than
that (``rss14-2_22``: two rows of ~9 px with a separator pattern between them), so a window
straddles rows, separator and quiet zone, its gradients no longer point one way, and the
symbol gets no region. The same finder with a 9 px window sees each row.

It runs only when a frame yielded no accepted code (so a frame with a read pays nothing),
and its regions are read only for DataBar, with a few DataBar-only passes
(:data:`STACKED_PASSES`; pyzbar reads RSS-14 Stacked, zxing-cpp 3.1 does not): a region it
proposes on clutter costs a millisecond of pyzbar on a small crop and cannot produce an
EAN/UPC misread. A read needs confirmation by a second pass like every fallback read.
"""

from __future__ import annotations

import numpy as np

from kiosk.domain.scan import Symbology
from plugins.scanner_camera.regions import Region, RegionFinderSettings, find_barcode_regions

STACKED_FINDER = RegionFinderSettings(window=9)
# cheap first; a region stops at its first confirmed code
STACKED_PASSES = ("zbar+clahe", "zbar+raw", "zbar+2x", "zxing+2x")
DATABAR_FORMATS = (Symbology.DATABAR, Symbology.DATABAR_EXPANDED)


def stacked_regions(
    gray: np.ndarray, tried: list[Region], settings: RegionFinderSettings = STACKED_FINDER
) -> list[Region]:
    """Regions the fine finder proposes that share no pixel with a region already tried."""
    return [
        r for r in find_barcode_regions(gray, settings) if not any(r.shared_area(t) for t in tried)
    ]
