"""Kiosk mode (ロックダウン): Kivy settings that must be made before the window exists.

Kiosk: fullscreen, borderless, no cursor, Escape does not quit, and exactly one input
provider for the touchscreen (Kivy's defaults add a mouse provider *and* a probesysfs
provider, so one finger arrives twice). Development and tests: a normal window with the
mouse only. Closing the window is refused in :mod:`kiosk.ui.app` unless a manager PIN is
given.
"""

from __future__ import annotations

import os

from kiosk.ui.settings import UiSettings

# frames a second at most: enough for touch feedback, and each frame of a software
# rasteriser costs ~20 ms of CPU (bench/scan_to_screen.py)
KIOSK_MAXFPS = 60


def configure_kivy(settings: UiSettings, size: tuple[int, int] = (1280, 800)) -> None:
    """Set Kivy's Config for kiosk or windowed mode; call before importing the Window."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "window_icon", "")
    Config.set("graphics", "multisamples", "0")
    Config.set("graphics", "maxfps", str(KIOSK_MAXFPS))
    # The runtime worker hands its results to the UI thread with Clock.schedule_once; the
    # default clock would let them wait out the rest of its 1/60 s sleep, the interrupt
    # clock wakes up for them (still at most 60 frames a second). Read when kivy.clock is
    # first imported, so this must run before it (the KIVY_CLOCK variable still wins).
    Config.set("kivy", "kivy_clock", "interrupt")
    for option in Config.options("input"):
        Config.remove_option("input", option)
    if settings.kiosk_mode:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
        Config.set("graphics", "resizable", "0")
        device = settings.input_device
        if device:
            Config.set("input", "touchscreen", f"{settings.input_provider},{device}")
        else:  # the first multitouch device the kernel reports
            Config.set("input", "touchscreen", f"probesysfs,provider={settings.input_provider}")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "borderless", "0")
        Config.set("graphics", "show_cursor", "1")
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
        Config.set("input", "mouse", "mouse,disable_multitouch")
