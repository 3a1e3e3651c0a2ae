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

import cv2
import numpy as np

from kiosk.domain.scan import Symbology
from plugins.scanner_camera.bars import across_angle, upright
from plugins.scanner_camera.regions import (
    Gradients,
    Region,
    RegionFinderSettings,
    find_barcode_regions,
)

STACKED_FINDER = RegionFinderSettings(window=9)
# cheap first; a region stops at its first confirmed code. ``up``/``up2x``/``up3x``: the crop
# turned so its bars stand upright, then upscaled (:func:`upright_crop`)
STACKED_PASSES = ("zbar+clahe", "zbar+raw", "zbar+up", "zbar+up2x", "zxing+up3x")
UPRIGHT = {"up": 1, "up2x": 2, "up3x": 3}
DATABAR_FORMATS = (Symbology.DATABAR, Symbology.DATABAR_EXPANDED)


def upright_crop(crop: np.ndarray, scale: int = 1) -> np.ndarray:
    """The crop turned so its bars stand upright and upscaled ``scale``× (cubic).

    pyzbar scans along rows and columns only: a stacked row a few pixels high, tilted by a
    few degrees, crosses no scanline from end to end, so it is read only once it is level
    (synthetic DataBar Stacked tilted ±10°, 1.8–3 px modules, blur σ 0.8–1.8: pyzbar read 1
    of 12 crops as they were, 4 of 12 turned upright and upscaled)."""
    turned = upright(crop, across_angle(crop))
    if scale > 1:
        turned = cv2.resize(turned, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return np.clip(turned, 0, 255).astype(np.uint8)


def stacked_regions(
    gray: np.ndarray,
    tried: list[Region],
    settings: RegionFinderSettings = STACKED_FINDER,
    grads: Gradients | None = None,
) -> list[Region]:
    """Regions the fine finder proposes that share no pixel with a region already tried.
    ``grads``: the frame's gradients from the default finder's run (shared, not redone)."""
    found = find_barcode_regions(gray, settings, grads)
    return [r for r in found if not any(r.shared_area(t) for t in tried)]
