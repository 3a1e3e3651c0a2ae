"""Scans reaching the shell: keyboard-wedge bursts and plugin scan sources.

Both end in ``ctl.scan(scan)`` on the UI thread: a source's ``emit`` may be called from any
thread, so it is marshalled with ``Clock.schedule_once``.
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.clock import Clock

from kiosk.domain.scan import Scan, Symbology
from kiosk.ui.burst import WedgeBurstDetector

log = logging.getLogger(__name__)

ENTER_KEYCODES = (13, 271)  # Return, keypad Enter


class WedgeInput:
    """Listens to the window's key events and turns fast bursts into scans."""

    def __init__(self, window: Any, ctl: Any, detector: WedgeBurstDetector | None = None):
        self.window = window
        self.ctl = ctl
        self.detector = detector or WedgeBurstDetector()
        window.bind(on_key_down=self._on_key_down)

    def close(self) -> None:
        self.window.unbind(on_key_down=self._on_key_down)

    def _on_key_down(
        self, _window: Any, key: int, _scancode: int, codepoint: str | None, modifiers: list[str]
    ) -> bool:
        char = "\r" if key in ENTER_KEYCODES else (codepoint or "")
        if not char or "ctrl" in modifiers or "alt" in modifiers:
            return False
        code = self.detector.feed(char)
        if code:
            self.ctl.scan(Scan(code, _symbology(code), "keyboard-wedge"))
            return True
        return False


def _symbology(code: str) -> Symbology:
    if code.isdigit():
        return {13: Symbology.EAN13, 8: Symbology.EAN8, 12: Symbology.UPCA}.get(
            len(code), Symbology.UNKNOWN
        )
    return Symbology.CODE128


class ScanSources:
    """Starts the runtime's scan sources — the hardware profile's main scanner and every
    plugin's ``kiosk_scan_sources`` — with a thread-safe emit."""

    def __init__(self, runtime: Any, ctl: Any) -> None:
        self.runtime = runtime
        self.ctl = ctl
        self.sources: list[Any] = []  # what the runtime started
        self.added: list[Any] = []  # started here directly (tests, a late USB camera)

    def emit(self, scan: Scan) -> None:
        """Called by a source from any thread."""
        Clock.schedule_once(lambda _dt: self.ctl.scan(scan), 0)

    def start(self) -> None:
        try:
            self.sources = self.runtime.start_scan_sources(self.emit)
        except Exception:  # no scan source must keep the touch screen from coming up
            log.exception("could not start the scan sources")

    def add(self, source: Any) -> None:
        self.added.append(source)
        source.start(self.emit)

    def stop(self) -> None:
        self.runtime.stop_scan_sources()
        for source in self.added:
            try:
                source.stop()
            except Exception:
                log.exception("scan source %s failed to stop", getattr(source, "name", source))
        self.sources, self.added = [], []
