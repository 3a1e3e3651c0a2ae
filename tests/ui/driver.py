"""Drive the real kiosk app in-process: pump Kivy's event loop, tap widgets, type bursts.

Every wait is a bounded loop on a condition, so the tests do not depend on timing luck.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.ui.app import make_app_class
from kiosk.ui.settings import UiSettings
from kiosk.ui.theme import load_theme

EventLoop.ensure_window()
WINDOW = EventLoop.window
KioskApp = make_app_class()


class Touch(MotionEvent):
    """A finger on the glass, delivered through the event loop like a real touchscreen."""

    def __init__(self, x: float, y: float) -> None:
        win = EventLoop.window
        super().__init__(
            "test-touch",
            id(self),
            {"x": x / (win.width - 1.0), "y": y / (win.height - 1.0)},
            is_touch=True,
            type_id="touch",
        )
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)


class KioskDriver:
    def __init__(self, app: Any, runtime: Any) -> None:
        self.app = app
        self.runtime = runtime
        self.ctl = app.ctl
        self.root = app.root
        self.window = WINDOW

    # --- the loop ------------------------------------------------------------------------

    def pump(self, frames: int = 1) -> None:
        for _ in range(frames):
            EventLoop.idle()

    def wait(self, condition: Callable[[], Any], timeout: float = 5.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            value = condition()
            if value:
                return value
        raise AssertionError(f"timed out waiting for {what or condition}")

    def settle(self, timeout: float = 5.0) -> None:
        """Every runtime call done, its result applied, the screen transition finished."""
        self.wait(lambda: self.ctl.worker.wait_idle(0.001), timeout, "the runtime worker")
        self.pump(3)
        self.wait(lambda: not self.root.manager.transition.is_active, timeout, "transition")
        self.pump(2)

    def wait_screen(self, name: str, timeout: float = 5.0) -> Any:
        self.wait(lambda: self.ctl.screen == name, timeout, f"screen {name}")
        self.settle(timeout)
        assert self.root.manager.current == name
        return self.screen(name)

    def wait_shown(self, name: str, timeout: float = 5.0) -> Any:
        """Screen ``name`` is up and drawn, while a runtime call may still run (a payment
        waiting for the shopper keeps the worker busy, so :meth:`settle` would not return)."""
        self.wait(lambda: self.ctl.screen == name, timeout, f"screen {name}")
        self.pump(3)
        self.wait(lambda: not self.root.manager.transition.is_active, timeout, "transition")
        self.pump(2)
        assert self.root.manager.current == name
        return self.screen(name)

    # --- finding and touching ------------------------------------------------------------

    def screen(self, name: str | None = None) -> Any:
        return self.root.manager.get_screen(name or self.root.manager.current)

    def widget(self, wid: str, screen: str | None = None) -> Any:
        return self.screen(screen).ids[wid]

    def tap(self, widget: Any) -> None:
        """Touch down and up at the widget's centre (in window coordinates)."""
        x, y = widget.to_window(*widget.center)
        touch = Touch(x, y)
        EventLoop.post_dispatch_input("begin", touch)
        self.pump()
        EventLoop.post_dispatch_input("end", touch)
        self.pump(2)

    def tap_text(self, parent: Any, text: str) -> None:
        for child in parent.walk(restrict=True):
            if getattr(child, "text", None) == text and hasattr(child, "on_release"):
                self.tap(child)
                return
        raise AssertionError(f"no button {text!r} under {parent}")

    def tap_keys(self, parent: Any, keys: str) -> None:
        """Tap a pad's keys one after another, one per character of ``keys``."""
        for key in keys:
            self.tap_text(parent, key)

    def type_burst(self, code: str, enter: bool = True) -> None:
        """A keyboard-wedge scanner: every key within a millisecond, then Enter."""
        for char in code:
            self.window.dispatch("on_key_down", ord(char), 0, char, [])
            self.window.dispatch("on_key_up", ord(char), 0)
        if enter:
            self.window.dispatch("on_key_down", 13, 40, None, [])
            self.window.dispatch("on_key_up", 13, 40)

    def close(self) -> None:
        self.app.dispatch("on_stop")  # also clears kv's cached ``app`` proxy
        if self.root.parent is not None:
            self.window.remove_widget(self.root)
        self.pump()
        self.runtime.shutdown()
        if App.get_running_app() is self.app:  # as App.stop() does: Kivy's class keeps it
            App._running_app = None


def make_driver(
    data_dir: Path,
    theme: str = "default",
    config_file: Path | None = None,
    settings: UiSettings | None = None,
    devices: Any = None,
    catch_errors: bool = False,
) -> KioskDriver:
    data_dir.mkdir(parents=True, exist_ok=True)
    # a test's file is a variant of the demo store (as `kiosk demo --config FILE`): layered
    # on it, so the demo staff PINs work as they do in the demo
    config = load_config(config_file, demo=True, data_dir=data_dir)
    runtime = build_runtime(config, devices=devices)
    settings = settings or UiSettings.from_config(config)  # [ui] as the app reads it
    app = KioskApp(runtime, load_theme(theme), settings, catch_errors=catch_errors)
    app._run_prepare()  # build, add the root to the window, on_start (App.run minus the loop)
    driver = KioskDriver(app, runtime)
    driver.settle()
    return driver
