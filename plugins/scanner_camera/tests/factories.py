"""Rendered codes and frames for the camera scanner tests (python-barcode, segno, OpenCV)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import barcode
import cv2
import numpy as np
import segno
from barcode.writer import ImageWriter

PROJECT = Path(__file__).resolve().parents[3]
# a git worktree is not next to ../shared: KIOSK_SHARED_BARCODES points at the photos then
SHARED_BARCODES = Path(
    os.environ.get("KIOSK_SHARED_BARCODES") or PROJECT / ".." / "shared" / "bench" / "barcodes"
)


def _png_to_bgr(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def render_linear(kind: str, code: str, module_px: int = 3) -> np.ndarray:
    """A python-barcode render (``ean13``, ``ean8``, ``upca``, ``code128``…) as BGR."""
    buf = io.BytesIO()
    options = {"module_width": 0.254 * module_px, "module_height": 12.0, "dpi": 100}
    options |= {"quiet_zone": 6.0, "font_size": 8, "text_distance": 3.0}
    barcode.get(kind, code, writer=ImageWriter()).write(buf, options)
    return _png_to_bgr(buf.getvalue())


def render_qr(text: str, scale: int = 6) -> np.ndarray:
    buf = io.BytesIO()
    segno.make_qr(text).save(buf, kind="png", scale=scale, border=4)
    return _png_to_bgr(buf.getvalue())


def clutter(width: int = 640, height: int = 480, seed: int = 0) -> np.ndarray:
    """A busy, noisy background with no code in it."""
    rng = np.random.default_rng(seed)
    img = np.empty((height, width, 3), np.uint8)
    img[:] = rng.integers(60, 200, 3, dtype=np.uint8)
    for _ in range(30):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        if rng.integers(0, 2):
            cv2.rectangle(img, (x, y), (x + 60, y + 40), colour, -1)
        else:
            cv2.putText(img, "SALE 298", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, colour, 2)
    return np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)


def on_background(label: np.ndarray, background: np.ndarray, at: tuple[int, int]) -> np.ndarray:
    """Paste ``label`` with its top-left corner at ``at`` (x, y); returns a new frame."""
    frame = background.copy()
    x, y = at
    h, w = label.shape[:2]
    frame[y : y + h, x : x + w] = label[: frame.shape[0] - y, : frame.shape[1] - x]
    return frame


def write_frames(folder: Path, frames: list[np.ndarray]) -> Path:
    """Write frames as 0000.png, 0001.png… (the order a folder source reads them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"{i:04d}.png"), frame)
    return folder


class FakeClock:
    """A monotonic clock that moves on by ``step`` seconds each time it is read."""

    def __init__(self, step: float = 0.1) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def not_ean_crops() -> list[np.ndarray]:
    """Grey crops an EAN/UPC reader must read nothing in: noise, random stripes, a flat crop,
    Code 128 (sharp and blurred) and EAN-8 (not a 13-digit code)."""
    rng = np.random.default_rng(5)
    noise = np.clip(rng.normal(128, 40, (120, 240)), 0, 255).astype(np.uint8)
    stripes = np.tile(np.repeat(rng.integers(0, 2, 120) * 200 + 30, 2), (60, 1)).astype(np.uint8)
    flat = np.full((120, 240), 200, np.uint8)
    code128 = cv2.cvtColor(render_linear("code128", "KIOSK-2026-12"), cv2.COLOR_BGR2GRAY)
    ean8 = cv2.cvtColor(render_linear("ean8", "4901234"), cv2.COLOR_BGR2GRAY)
    return [noise, stripes, flat, code128, ean8, cv2.GaussianBlur(code128, (0, 0), 2)]
