"""The preview the shell shows when the profile enables it: the frame, codes outlined."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from plugins.scanner_camera.decoder import DecodedCode

OUTLINE_BGR = (0, 200, 0)
LABEL_BGR = (255, 255, 255)


def draw_outlines(frame: np.ndarray, codes: Sequence[DecodedCode]) -> np.ndarray:
    """Return a BGR copy of ``frame`` with each code's outline and its text drawn on it."""
    out = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR) if frame.ndim == 2 else frame.copy()
    thickness = max(2, round(max(out.shape[:2]) / 400))
    for code in codes:
        points = np.array(code.corners, dtype=np.int32).reshape(-1, 1, 2)
        x, y, w, h = code.box
        if h < 8:  # a linear code's position can be a single scan line: show a box
            points = np.array(
                [(x, y - 20), (x + w, y - 20), (x + w, y + h + 20), (x, y + h + 20)], np.int32
            ).reshape(-1, 1, 2)
        cv2.polylines(out, [points], isClosed=True, color=OUTLINE_BGR, thickness=thickness)
        label = code.code if len(code.code) <= 24 else code.code[:21] + "..."
        label = label.encode("ascii", "replace").decode("ascii").replace("\x1d", " ")
        origin = (int(x), max(14, int(y) - 8))
        cv2.putText(out, label, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), thickness + 2)
        cv2.putText(out, label, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.6, LABEL_BGR, 1)
    return out
