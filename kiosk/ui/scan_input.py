"""Scans reaching the shell: keyboard-wedge bursts and plugin scan sources.

Both end in ``ctl.scan(scan)`` on the UI thread: a source's ``emit`` may be called from any
thread, so it is marshalled with ``Clock.schedule_once``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

from kiosk.domain.scan import Scan, Symbology
from kiosk.ui.burst import BrokenScan, WedgeBurstDetector

log = logging.getLogger(__name__)

WEDGE_SOURCE = "keyboard-wedge"
ENTER_KEYCODES = (13, 271)  # Return, keypad Enter
# Kivy's keycodes of modifier keys (caps lock, shift, ctrl, alt, meta, super). Kivy hands
# their key-down to listeners with a codepoint made of the keycode (chr(304) = "İ" for
# shift), which is not a character the scanner sent.
MODIFIER_KEYCODES = frozenset(range(300, 314))
# On key-down Kivy gives the unshifted character; a wedge scanner sends an upper-case letter
# or a symbol as shift + key (a passport MRZ's "<", a hand-off slip's letters). HID scanners
# emulate a US keyboard unless configured otherwise: this is its shifted row.
US_SHIFTED = dict(zip("1234567890-=[]\\;',./`", '!@#$%^&*()_+{}|:"<>?~', strict=True))


def kivy_ticks() -> tuple[float, float]:
    """The previous frame's tick and now, on Kivy's clock."""
    return Clock.get_time() - Clock.frametime, Clock.time()


class WedgeInput:
    """Listens to the window's key events and turns fast bursts into scans.

    A burst that breaks (:class:`~kiosk.ui.burst.BrokenScan`) is never a code: the shell is
    told (``ctl.unreadable_scan``) and asks the shopper to scan again.
    """

    def __init__(
        self,
        window: Any,
        ctl: Any,
        detector: WedgeBurstDetector | None = None,
        ticks: Callable[[], tuple[float, float]] = kivy_ticks,
    ):
        self.window = window
        self.ctl = ctl
        self.detector = detector or WedgeBurstDetector()
        self.ticks = ticks
        self._last_key: tuple[float, float] | None = None  # previous key: read at, judged at
        window.bind(on_key_down=self._on_key_down)

    def _key_time(self) -> float:
        """When the key came, as far as the burst detector can tell.

        Neither Kivy nor SDL2 hands a key event the X server's time: a key is known only
        when the main loop reads it, once a frame, after the clock's tick. A kiosk short of
        CPU reads a scan in lots; the time between two lots is the starvation's, not the
        scanner's. What the loop did see is silence: the frame before this key's read found
        no key, so this key came after that frame's tick. The gap is counted from the
        previous key's read to that tick — never more than the scanner's own (zero when
        the keys were read in the same or the next frame).
        """
        previous_tick, now = self.ticks()
        if self._last_key is None:
            at = now
        else:
            last_read, last_at = self._last_key
            at = last_at + max(0.0, previous_tick - last_read)
        self._last_key = (now, at)
        return at

    def close(self) -> None:
        self.window.unbind(on_key_down=self._on_key_down)

    def _on_key_down(
        self, _window: Any, key: int, _scancode: int, codepoint: str | None, modifiers: list[str]
    ) -> bool:
        if key in MODIFIER_KEYCODES:
            return False
        char = "\r" if key in ENTER_KEYCODES else (codepoint or "")
        if not char or "ctrl" in modifiers or "alt" in modifiers:
            return False
        if "shift" in modifiers and len(char) == 1:
            char = US_SHIFTED.get(char, char.upper())
        result = self.detector.feed(char, self._key_time())
        if isinstance(result, BrokenScan):
            self.ctl.unreadable_scan(WEDGE_SOURCE, len(result.keys))
            return True
        if result:
            self.ctl.scan(Scan(result, _symbology(result), WEDGE_SOURCE))
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
