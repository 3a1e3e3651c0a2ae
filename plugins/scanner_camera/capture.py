"""Frames in: a V4L2 camera, a video file or a folder of images, grabbed in their own thread.

A camera produces frames whether or not we keep up. V4L2 queues several buffers, so a slow
reader would decode frames that are already a few hundred milliseconds old; we ask for one
buffer (``CAP_PROP_BUFFERSIZE=1``, not every driver honours it) and run a grabber thread
that keeps only the newest frame in a :class:`LatestFrame` slot. The decoder always takes
the newest frame and skips the rest.

Files and folders are for demos and tests. By default they hand over *every* frame (the
grabber waits until the decoder took the previous one), so a test sees the same result on a
slow machine; with ``fps`` set they play in real time and drop frames like a camera.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from plugins.scanner_camera.config import CameraScannerConfig, SourceKind, SourceSpec

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"})


class CameraUnavailable(RuntimeError):
    """The camera (or file, or folder) cannot be opened; the message says what to check."""


class FrameSource(Protocol):
    """Where frames come from. ``read`` returns ``None`` at the end of a finite source."""

    live: bool  # True: frames go stale and may be dropped (a camera)

    def open(self) -> None: ...
    def read(self) -> np.ndarray | None: ...
    def close(self) -> None: ...


class V4L2Camera:
    live = True

    def __init__(self, device: str, resolution: tuple[int, int] | None = None) -> None:
        self.device = device
        self.resolution = resolution
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        target: int | str = int(self.device) if self.device.isdigit() else self.device
        cap = cv2.VideoCapture(target, cv2.CAP_V4L2)
        if not cap.isOpened():
            cap.release()
            raise CameraUnavailable(
                f"cannot open camera {self.device}: check that it is plugged in, that the "
                "path is right (v4l2-ctl --list-devices) and that no other program uses it"
            )
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        if self.resolution:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.resolution[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.resolution[1])
        self._cap = cap

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, frame = self._cap.read()
        if not ok:
            raise CameraUnavailable(f"camera {self.device} stopped delivering frames")
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class VideoFile:
    def __init__(self, path: str, *, loop: bool = False, fps: float | None = None) -> None:
        self.path = path
        self.loop = loop
        self.fps = fps
        self.live = fps is not None
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        cap = cv2.VideoCapture(self.path)
        if not cap.isOpened():
            cap.release()
            raise CameraUnavailable(f"cannot open video file {self.path}")
        self._cap = cap

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, frame = self._cap.read()
        if not ok and self.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return frame if ok else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class ImageFolder:
    def __init__(self, path: str, *, loop: bool = False, fps: float | None = None) -> None:
        self.path = Path(path)
        self.loop = loop
        self.fps = fps
        self.live = fps is not None
        self._files: list[Path] = []
        self._next = 0

    def open(self) -> None:
        if not self.path.is_dir():
            raise CameraUnavailable(f"{self.path} is not a folder of images")
        self._files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise CameraUnavailable(f"{self.path} has no images ({', '.join(IMAGE_SUFFIXES)})")
        self._next = 0

    def read(self) -> np.ndarray | None:
        for _ in range(len(self._files)):  # at most one round, even when looping
            if self._next >= len(self._files):
                if not self.loop:
                    return None
                self._next = 0
            path = self._files[self._next]
            self._next += 1
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is not None:
                return frame
            log.warning("skipping %s: not a readable image", path)
        return None

    def close(self) -> None:
        self._files = []


def open_frame_source(config: CameraScannerConfig) -> FrameSource:
    """The frame source the config names (not yet opened)."""
    spec: SourceSpec = config.source
    if spec.kind is SourceKind.V4L2:
        return V4L2Camera(spec.target, config.resolution)
    if spec.kind is SourceKind.FILE:
        return VideoFile(spec.target, loop=config.loop, fps=config.fps)
    return ImageFolder(spec.target, loop=config.loop, fps=config.fps)


class LatestFrame:
    """A one-frame mailbox between the grabber and the decoder.

    ``put`` replaces the frame (a camera: stale frames are dropped) or, with ``wait=True``,
    first waits until the previous frame was taken (files: nothing is dropped).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: np.ndarray | None = None
        self._seq = 0
        self._taken = 0
        self._closed = False
        self.dropped = 0

    def put(self, frame: np.ndarray, *, wait: bool = False) -> bool:
        """Offer a frame; returns False when the mailbox was closed."""
        with self._cond:
            if wait:
                self._cond.wait_for(lambda: self._closed or self._taken == self._seq)
            if self._closed:
                return False
            if self._taken != self._seq:
                self.dropped += 1
            self._frame = frame
            self._seq += 1
            self._cond.notify_all()
            return True

    def take(self, timeout: float | None = None) -> np.ndarray | None:
        """The newest frame not taken yet; ``None`` when closed and empty, or on timeout."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._taken != self._seq, timeout)
            if self._taken == self._seq:
                return None
            self._taken = self._seq
            frame, self._frame = self._frame, None
            self._cond.notify_all()
            return frame

    @property
    def waiting(self) -> bool:
        """A frame is there that the decoder has not taken yet (a newer one, while it
        decodes); read without the lock: a stale answer only delays a decision by a pass."""
        return self._taken != self._seq

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed


class FrameGrabber:
    """Reads a :class:`FrameSource` in a thread into a :class:`LatestFrame`.

    A live camera that stops delivering is closed and reopened every ``reopen_after``
    seconds until :meth:`stop`; a finite source closes the mailbox at its end.
    """

    def __init__(
        self,
        source: FrameSource,
        mailbox: LatestFrame,
        *,
        fps: float | None = None,
        reopen_after: float = 2.0,
    ) -> None:
        self.source = source
        self.mailbox = mailbox
        self.fps = fps
        self.reopen_after = reopen_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="camera-grabber", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self.mailbox.close()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("camera grabber did not stop within %.1f s", timeout)
            self._thread = None

    def _run(self) -> None:
        interval = 1.0 / self.fps if self.fps else 0.0
        try:
            while not self._stop.is_set():
                try:
                    frame = self.source.read()
                except CameraUnavailable as exc:
                    if not self._reopen(exc):
                        break
                    continue
                if frame is None:
                    break
                self.frames += 1
                if not self.mailbox.put(frame, wait=not self.source.live):
                    break
                if interval:
                    self._stop.wait(interval)
        except Exception:
            log.exception("camera grabber failed")
        finally:
            self.mailbox.close()

    def _reopen(self, problem: Exception) -> bool:
        log.warning("%s; reopening in %.0f s", problem, self.reopen_after)
        self.source.close()
        while not self._stop.wait(self.reopen_after):
            try:
                self.source.open()
                log.info("camera reopened")
                return True
            except CameraUnavailable as exc:
                log.warning("%s", exc)
        return False
