"""E-receipt QR codes: segno draws the code, Kivy gets it as a texture (no temp files)."""

from __future__ import annotations

import io
from typing import Any

import segno


def qr_png(data: str, scale: int = 8, border: int = 2) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def qr_texture(data: str, scale: int = 8) -> Any:
    """A Kivy texture of the QR code for ``data`` (call on the UI thread)."""
    from kivy.core.image import Image as CoreImage

    image = CoreImage(io.BytesIO(qr_png(data, scale)), ext="png", nocache=True)
    texture = image.texture
    texture.mag_filter = "nearest"  # keep modules sharp when scaled up
    return texture
