"""The Kivy app: builds the controller and root, starts scan input, guards the window.

``run_app(config)`` is what ``kiosk demo`` calls when a display is present.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from kiosk import sdnotify
from kiosk.config import KioskConfig
from kiosk.ui.introspect import IntrospectionServer, server_from_environment
from kiosk.ui.lockdown import configure_kivy
from kiosk.ui.settings import UiSettings
from kiosk.ui.theme import Theme, load_theme, register_fonts

log = logging.getLogger(__name__)


def make_app_class() -> type:
    """Import Kivy's App only after :func:`configure_kivy` (the Window reads Config)."""
    from kivy.app import App
    from kivy.base import ExceptionHandler, ExceptionManager
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk.ui.controller import Controller
    from kiosk.ui.root import KioskRoot
    from kiosk.ui.scan_input import ScanSources, WedgeInput
    from kiosk.ui.screens import load_kv
    from kiosk.ui.screens.shopping import forget_cached_rows

    class SafeScreenHandler(ExceptionHandler):
        """Nothing crashes the kiosk: log, go back to a safe screen, keep running."""

        def __init__(self, ctl: Controller) -> None:
            super().__init__()
            self.ctl = ctl

        def handle_exception(self, inst: BaseException) -> int:
            if isinstance(inst, KeyboardInterrupt | SystemExit):
                return ExceptionManager.RAISE
            log.error("unexpected error in the UI; back to a safe screen", exc_info=inst)
            try:
                self.ctl.recover()
            except Exception:
                log.exception("recovery failed")
            return ExceptionManager.PASS

    class KioskApp(App):
        title = "Kiosk"
        kv_file = None

        def __init__(
            self,
            runtime: Any,
            theme: Theme,
            settings: UiSettings,
            catch_errors: bool = True,
            **kwargs: Any,
        ) -> None:
            super().__init__(**kwargs)
            self.runtime, self.theme_data, self.settings = runtime, theme, settings
            self.catch_errors = catch_errors
            self.ctl: Controller | None = None
            self.handler: SafeScreenHandler | None = None
            self._closed = False
            self.introspection: IntrospectionServer | None = None

        def get_application_config(self, defaultpath: str = "") -> None:  # type: ignore[override]
            return None  # settings live in kiosk.toml, not in a Kivy .ini beside the code

        def load_kv(self, filename: Any = None) -> bool:
            return True  # our rules are loaded explicitly by load_kv() in build()

        def build(self) -> KioskRoot:
            register_fonts(self.theme_data)
            self.ctl = Controller(self.runtime, self.theme_data, self.settings)
            self.ctl.on_exit = self.stop
            load_kv()
            root = KioskRoot(self.ctl)
            self.wedge = WedgeInput(Window, self.ctl)
            self.sources = ScanSources(self.runtime, self.ctl)
            self._problems = Clock.schedule_interval(self.ctl.poll_problems, 2.0)
            Window.bind(on_request_close=self._on_request_close, on_touch_down=self._touched)
            if self.catch_errors:
                self.handler = SafeScreenHandler(self.ctl)
                ExceptionManager.add_handler(self.handler)
            return root

        def on_start(self) -> None:
            self.sources.start()
            self.introspection = server_from_environment(self)  # journey tests only
            self.ctl.poll_problems()
            # systemd (Type=notify, WatchdogSec): ready now; pings from this (the UI) thread
            self._watchdog = None
            if sdnotify.notify("READY=1") and (every := sdnotify.watchdog_interval()):
                self._watchdog = Clock.schedule_interval(
                    lambda _dt: sdnotify.notify("WATCHDOG=1"), every
                )
            # A full collection walks every tracked object — Kivy, the widget tree, the
            # catalogue: ~200 ms, on whichever scan's frame it lands (15 ms with these
            # frozen). What exists now lives as long as the app, so leave it out of them.
            gc.collect()
            gc.freeze()

        def _touched(self, *_args: Any) -> bool:
            self.ctl.activity()
            return False

        def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
            if not self.settings.kiosk_mode:
                return False
            self.ctl.flows.open_staff("exit")
            return True  # refused: only a manager PIN closes the kiosk

        def shutdown(self) -> None:
            """Undo what build() hooked into the process-wide Window (tests reuse it)."""
            if self._closed:
                return
            self._closed = True
            if self.introspection is not None:
                self.introspection.stop()
            self.sources.stop()
            self.wedge.close()
            self._problems.cancel()
            if getattr(self, "_watchdog", None) is not None:
                self._watchdog.cancel()
            self.ctl.flows._inactivity.cancel()
            if getattr(self.ctl, "returns", None) is not None:
                self.ctl.returns.stop()
            Window.unbind(on_request_close=self._on_request_close, on_touch_down=self._touched)
            if self.handler is not None:
                ExceptionManager.handlers.remove(self.handler)
            self.ctl.worker.stop()
            forget_cached_rows(self.ctl)
            gc.unfreeze()  # this app's objects can be collected again (tests make many)

        def on_stop(self) -> None:
            self.shutdown()

    return KioskApp


def run_app(config: KioskConfig) -> int:
    """Run the shopper UI on this kiosk until a manager leaves kiosk mode."""
    from kiosk.app import build_runtime

    settings = UiSettings.from_config(config)
    configure_kivy(settings)
    theme = load_theme(config.theme)
    runtime = build_runtime(config)
    try:
        make_app_class()(runtime, theme, settings).run()
    finally:
        runtime.shutdown()
    return 0
