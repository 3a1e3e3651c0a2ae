"""The scan source the runtime starts: capture thread → decoder thread → agreement → emit."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kiosk.domain.scan import Scan, Symbology
from plugins.scanner_camera.agreement import ScanAgreement
from plugins.scanner_camera.budget import FrameBudget
from plugins.scanner_camera.cadence import LastStepCadence
from plugins.scanner_camera.capture import FrameGrabber, FrameSource, LatestFrame, open_frame_source
from plugins.scanner_camera.config import CameraScannerConfig
from plugins.scanner_camera.decoder import DecodedCode, DecodeOptions, decode
from plugins.scanner_camera.preview import draw_outlines

log = logging.getLogger(__name__)


class Decoder(Protocol):
    """:func:`~plugins.scanner_camera.decoder.decode`, or a stand-in for tests."""

    def __call__(
        self,
        image: np.ndarray,
        options: DecodeOptions,
        *,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[DecodedCode]: ...


def scan_from(code: DecodedCode, source: str) -> Scan:
    """The :class:`Scan` for an accepted code; DataBar with an (01) GTIN also says ``gtin``."""
    meta = {"raw": code.raw, "engine": code.engine, "stage": code.stage}
    gs1 = code.symbology in (Symbology.DATABAR, Symbology.DATABAR_EXPANDED)
    if gs1 and code.code.startswith("01") and code.code[2:16].isdigit() and len(code.code) >= 16:
        gtin14 = code.code[2:16]
        meta["gtin"] = gtin14[1:] if gtin14.startswith("0") else gtin14
    return Scan(code=code.code, symbology=code.symbology, source=source, meta=meta)


@dataclass(frozen=True, slots=True)
class CameraStats:
    frames_read: int
    frames_decoded: int
    frames_dropped: int
    scans: int
    # frames whose remaining fallback passes were skipped for a newer one (fallback_budget_ms)
    frames_abandoned: int = 0


class CameraScanSource:
    """A kiosk scan source (``name``, ``start(emit)``, ``stop()``) reading a camera.

    Nothing is opened before :meth:`start`. ``emit`` is called from the decoder thread.
    """

    def __init__(
        self,
        config: CameraScannerConfig,
        *,
        frame_source: FrameSource | None = None,
        decoder: Decoder = decode,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.name = config.name
        self.options = DecodeOptions(formats=config.formats, fallback=config.fallback)
        self._cadence = LastStepCadence(self.options)
        self._frame_source = frame_source
        self._decoder = decoder
        self._clock = clock
        self._agreement: ScanAgreement[DecodedCode] = self._new_agreement()
        self._mailbox: LatestFrame | None = None
        self._grabber: FrameGrabber | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._latest: tuple[np.ndarray, list[DecodedCode]] | None = None
        self._decoded = 0
        self._abandoned = 0
        self._scans = 0

    # --- the scan source contract ------------------------------------------------------

    def start(self, emit: Callable[[Scan], None]) -> None:
        """Open the source and start the grabber and decoder threads.

        Raises :class:`~plugins.scanner_camera.capture.CameraUnavailable` if it cannot open.
        """
        if self._thread is not None:
            raise RuntimeError(f"scan source {self.name!r} is already running")
        source = self._frame_source or open_frame_source(self.config)
        source.open()
        self._frame_source = source
        self._stop.clear()
        self._agreement = self._new_agreement()
        self._cadence = LastStepCadence(self.options)
        self._mailbox = LatestFrame()
        self._grabber = FrameGrabber(source, self._mailbox, fps=self.config.fps)
        self._thread = threading.Thread(
            target=self._run, args=(emit,), name=f"{self.name}-decoder", daemon=True
        )
        self._grabber.start()
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop both threads and release the camera; safe to call twice."""
        self._stop.set()
        if self._grabber is not None:
            self._grabber.stop(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("%s decoder did not stop within %.1f s", self.name, timeout)
        if self._frame_source is not None:
            self._frame_source.close()
        self._grabber = None
        self._thread = None

    # --- for the shell, demos and tests -------------------------------------------------

    def wait_until_done(self, timeout: float | None = None) -> bool:
        """Wait until a finite source (file, folder) is used up; True if it was."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def preview(self) -> np.ndarray | None:
        """The latest frame with the codes read in it outlined (BGR), if preview is on."""
        with self._lock:
            latest = self._latest
        if latest is None:
            return None
        frame, codes = latest
        return draw_outlines(frame, codes)

    @property
    def stats(self) -> CameraStats:
        grabber, mailbox = self._grabber, self._mailbox
        return CameraStats(
            frames_read=grabber.frames if grabber else 0,
            frames_decoded=self._decoded,
            frames_dropped=mailbox.dropped if mailbox else 0,
            scans=self._scans,
            frames_abandoned=self._abandoned,
        )

    # --- the decoder thread -------------------------------------------------------------

    def _new_agreement(self) -> ScanAgreement[DecodedCode]:
        c = self.config
        return ScanAgreement(
            c.agree_frames,
            agree_within=c.agree_within,
            cooldown=c.cooldown_seconds,
            gone_after=c.gone_after,
            clock=self._clock,
        )

    def decode_frame(self, frame: np.ndarray, mailbox: LatestFrame) -> list[DecodedCode]:
        """Decode one frame taken from ``mailbox``. From a live source (a camera, or a file
        played at ``fps``) its fallback work stops once a newer frame waits in ``mailbox``
        and ``fallback_budget_ms`` have passed; a file handed over frame by frame always
        has its next frame waiting, so there every frame gets the whole chain. From a live
        source the two last steps take turns, one a frame (:mod:`.cadence`)."""
        live = self._frame_source is not None and self._frame_source.live
        budget = (
            FrameBudget(mailbox, self.config.fallback_budget_ms / 1000, self._clock)
            if live
            else None
        )
        options = self._cadence.next() if live else self.options
        codes = self._decoder(frame, options, should_stop=budget)
        if live:
            self._cadence.saw(codes)
        self._decoded += 1
        if budget is not None and budget.abandoned:
            self._abandoned += 1
            log.debug(
                "%s: frame %d: newer frame waiting after %d ms, fallback passes skipped "
                "(%d frames so far)",
                self.name, self._decoded, self.config.fallback_budget_ms, self._abandoned,
            )  # fmt: skip
        return codes

    def _run(self, emit: Callable[[Scan], None]) -> None:
        mailbox = self._mailbox
        assert mailbox is not None
        while not self._stop.is_set():
            frame = mailbox.take(timeout=0.2)
            if frame is None:
                if mailbox.closed:
                    break
                self._agreement.observe([])  # no frame for a while: let codes go
                continue
            try:
                codes = self.decode_frame(frame, mailbox)
            except Exception:
                log.exception("%s: decoding a frame failed", self.name)
                continue
            if self.config.preview:
                with self._lock:
                    self._latest = (frame, codes)
            for code in self._agreement.observe(codes):
                self._scans += 1
                try:
                    emit(scan_from(code, self.name))
                except Exception:
                    log.exception("%s: delivering scan %r failed", self.name, code.code)
