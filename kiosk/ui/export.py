"""Draw the window's widget tree off-screen, the way the window draws it (screenshots).

Kivy's ``export_to_png`` draws upside down (a ``Scale(1, -1)``) to get the rows of the PNG
top-down. Clipping by scissor box (:mod:`kiosk.ui.list_view`) is in the drawing target's
pixels and is not turned over with it, so the basket would be clipped and filled at its
mirror image. Here the tree is drawn as on the window, at the window's origin, and the
picture is turned over when it is saved. Only for the root widget (at 0, 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def export_image(widget: Any) -> Any:
    """A :class:`kivy.core.image.Image` of ``widget`` drawn now; its rows run bottom-up."""
    from kivy.core.image import Image as CoreImage
    from kivy.graphics import ClearBuffers, ClearColor, Fbo

    parent = widget.parent.canvas if widget.parent is not None else None
    index = parent.indexof(widget.canvas) if parent is not None else -1
    if index > -1:  # a canvas draws in one place at a time
        parent.remove(widget.canvas)
    fbo = Fbo(size=widget.size, with_stencilbuffer=True)
    try:
        with fbo:
            ClearColor(0, 0, 0, 0)
            ClearBuffers()
        fbo.add(widget.canvas)
        fbo.draw()
        return CoreImage(fbo.texture)
    finally:
        fbo.remove(widget.canvas)
        if index > -1:
            parent.insert(index, widget.canvas)


def export_png(widget: Any, path: Path) -> None:
    export_image(widget).save(str(path), flipped=True)
