"""The camera preview on the shopping screen: the scanner's latest frame, codes outlined.

Shown only when a started scan source offers ``preview()`` and its settings enable it
(``[plugins.scanner_camera] preview = true``), and only while frames keep coming. While the
shopping screen is shown, a Clock interval (5 per second) takes the source's latest BGR
frame (numpy), thins it to at most :data:`MAX_WIDTH` pixels wide and blits it into a
reused texture (``colorfmt="bgr"``, flipped: numpy rows run top-down, OpenGL's bottom-up).
Nothing runs while another screen is shown or when there is no camera.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty
from kivy.uix.image import Image

log = logging.getLogger(__name__)

MAX_WIDTH = 320  # texture width: the widget is small, the camera frame is 1280 wide
STALE_SECONDS = 3.0  # no new decoded frame for this long: the camera is gone, hide


def preview_source(sources: Any) -> Any:
    """The first scan source that keeps preview frames, or None."""
    for source in getattr(sources, "sources", ()) or ():
        config = getattr(source, "config", None)
        if callable(getattr(source, "preview", None)) and getattr(config, "preview", False):
            return source
    return None


def frame_to_texture(frame: Any, texture: Any = None, max_width: int = MAX_WIDTH) -> Any:
    """Blit a BGR (or grey) numpy frame into ``texture`` (made anew if its size differs)."""
    import numpy as np

    if frame.ndim == 2:
        frame = np.repeat(frame[:, :, None], 3, axis=2)
    step = max(1, -(-frame.shape[1] // max_width))  # ceil: never wider than max_width
    small = frame[::step, ::step, :3]
    width = small.shape[1] - small.shape[1] % 4  # rows of whole 4-byte words
    small = np.ascontiguousarray(small[:, :width])
    size = (width, small.shape[0])
    if texture is None or tuple(texture.size) != size:
        texture = Texture.create(size=size, colorfmt="bgr")
        texture.flip_vertical()
    texture.blit_buffer(small.tobytes(), colorfmt="bgr", bufferfmt="ubyte")
    return texture


class CameraPreview(Image):
    """A small Image fed from the camera scan source; ``shown`` is False without a camera."""

    ctl = ObjectProperty(None)
    shown = BooleanProperty(False)
    interval = NumericProperty(0.2)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("fit_mode", "contain")
        super().__init__(**kwargs)
        self._event: Any = None
        self._source: Any = None
        self._decoded = -1
        self._fresh_at = 0.0
        Clock.schedule_once(self._watch, 0)

    def _watch(self, *_args: Any) -> None:
        if self.ctl is not None:
            self.ctl.fbind("screen", self._screen_changed)
            self._screen_changed()

    def _screen_changed(self, *_args: Any) -> None:
        if self.ctl.screen == "shopping":
            if self._event is None:
                self._event = Clock.schedule_interval(self.update, self.interval)
                self.update()
        elif self._event is not None:
            self._event.cancel()
            self._event = None

    def update(self, *_args: Any) -> None:
        if self._source is None:
            app = App.get_running_app()
            self._source = preview_source(getattr(app, "sources", None))
            if self._source is None:
                self.shown = False
                return
        try:
            frame = self._source.preview()
            decoded = self._source.stats.frames_decoded
        except Exception:
            log.exception("camera preview failed; hiding it")
            frame, decoded = None, self._decoded
        now = time.monotonic()
        if decoded != self._decoded:
            self._decoded, self._fresh_at = decoded, now
        if frame is None or now - self._fresh_at > STALE_SECONDS:
            self.shown = False
            return
        texture = frame_to_texture(frame, self.texture)
        if texture is not self.texture:
            self.texture = texture
        else:
            self.canvas.ask_update()
        self.shown = True
