"""Write one PNG per screen per language to ``docs/screenshots/`` (run under a display).

``python -m kiosk.ui.screenshots [--theme NAME] [--out DIR]``; ``scripts/screenshots.sh``
wraps it in Xvfb. It drives the real app through the controller on the demo catalogue in a
throw-away data directory, waiting for each screen to settle before exporting it.
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.ui.export import export_png

LANGUAGES = ("ja", "en", "zh-Hans", "ko")
ITEMS = ("4901234000018", "4901234000018", "4901234000148", "4901234000377", "4901234000285")
BEER = "4901234000292"
COUPON = "9990000100"  # the demo offers' printed ¥100 coupon
# a promotion (2 onigiri for ¥250) and that coupon, so the basket shows discount rows
DEMO_OFFERS = Path(__file__).resolve().parents[1] / "data" / "demo_offers.toml"


def offers_config(directory: Path) -> Path:
    """The demo configuration plus the demo offers, written into ``directory``."""
    from kiosk.config import DEFAULT_CONFIG

    path = directory / "kiosk.toml"
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    path.write_text(base + "\n" + DEMO_OFFERS.read_text(encoding="utf-8"), encoding="utf-8")
    return path


class Shooter:
    def __init__(self, app: Any, out: Path, prefix: str) -> None:
        from kivy.base import EventLoop

        self.loop, self.app, self.ctl = EventLoop, app, app.ctl
        self.out, self.prefix = out, prefix
        # large text is the shopper's choice: the kiosk turns it off for the next shopper,
        # so each new shopper in a large-text run presses 文字を大きく again
        self.large_text = False

    def wait(
        self, condition: Callable[[], Any], timeout: float = 10.0, worker: bool = True
    ) -> None:
        """Until ``condition``, the runtime worker idle (unless ``worker`` is false: a payment
        waiting for the shopper keeps it busy) and the screen drawn."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.loop.idle()
            if condition():
                break
        if worker:
            self.ctl.worker.wait_idle(timeout)
        for _ in range(12):  # results applied, transition over, textures drawn
            self.loop.idle()
        while self.app.root.manager.transition.is_active:
            self.loop.idle()
        for _ in range(4):
            self.loop.idle()

    def shoot(self, language: str, name: str) -> Path:
        path = self.out / f"{self.prefix}{language}-{name}.png"
        export_png(self.app.root, path)
        return path

    def screen(self, name: str) -> Any:
        return self.app.root.manager.get_screen(name)


def shoot_language(s: Shooter, language: str) -> list[Path]:
    ctl, runtime, shots = s.ctl, s.app.runtime, []
    from kiosk.domain.scan import Scan, Symbology

    def shot(name: str) -> None:
        shots.append(s.shoot(language, name))

    ctl.problems = []
    ctl.set_language(language)
    ctl.large_text = s.large_text
    ctl.screen = "attract"
    s.wait(lambda: ctl.screen == "attract")
    shot("01-attract")
    for code in ITEMS:
        ctl.scan(Scan(code, Symbology.EAN13, "screenshots"))
    s.wait(lambda: len(ctl.rows) == len(ITEMS) - 1)
    ctl.scan(Scan(COUPON, Symbology.UNKNOWN, "screenshots"))
    s.wait(lambda: len(ctl.adjust_rows) == 2)
    shot("02-shopping")
    ctl.message = ""  # the coupon's message has been read: not over the next screens
    ctl.go("lookup")
    s.wait(lambda: ctl.screen == "lookup")
    shot("03-lookup-departments")
    lookup = s.screen("lookup")
    lookup.open_search("")
    pad = lookup.ids.pad
    if language == "ja":
        pad.value = "おにぎり"
    else:
        pad.mode, pad.value = "abc", "rice"
    s.wait(lambda: lookup.results)
    shot("04-lookup-search")
    ctl.go("code")
    s.wait(lambda: ctl.screen == "code")
    s.screen("code").ids.pad.value = "2400012345678"
    s.wait(lambda: True)
    shot("05-member-coupon")
    ctl.flows.open_payment()
    s.wait(lambda: ctl.screen == "methods")
    shot("06-payment-methods")
    # real payments on the simulated devices: ¥986 due (after the demo offers), ¥500 in so
    # far — less than is due, so the paying screen stays up with its live figures
    cash = runtime.method("cash")
    cash.drawer.insert(500)
    ctl.flows.pay("cash")
    s.wait(lambda: ctl.payment.inserted == 500, worker=False)
    shot("07-paying")
    ctl.flows.cancel_payment()  # Cancel: the note comes back, the basket stays
    s.wait(lambda: ctl.screen == "shopping")
    ctl.message = ""
    runtime.method("emoney").touch_wait_s = 0.2  # nobody touches the reader
    ctl.flows.pay("emoney")
    s.wait(lambda: ctl.pay_error)
    shot("08-payment-error")
    cash.drawer.insert(2000)
    ctl.flows.pay("cash")
    s.wait(lambda: ctl.screen == "receipt")
    shot("09-receipt-choice")
    ctl.flows.show_ereceipt()
    s.wait(lambda: ctl.screen == "ereceipt")
    shot("10-e-receipt")
    ctl.flows.finish("Please take your receipt.")
    s.wait(lambda: ctl.screen == "thanks")
    shot("11-thank-you")
    ctl.flows.to_attract()
    ctl.set_language(language)
    ctl.large_text = s.large_text  # the next shopper asks for large text too
    ctl.scan(Scan(ITEMS[0], Symbology.EAN13, "screenshots"))
    ctl.scan(Scan(BEER, Symbology.EAN13, "screenshots"))
    s.wait(lambda: ctl.state == "needs_attendant")
    shot("12-staff-overlay")
    runtime.approve("S001")
    ctl.refresh()
    s.wait(lambda: ctl.state == "shopping")
    # the shopper "left" a while ago: the kiosk's own inactivity check asks (setting the flag
    # here instead raced that check, which cleared it before the picture on some runs)
    settings = ctl.settings
    idle = settings.inactivity_seconds + settings.still_there_seconds - 24.9
    ctl.last_activity = ctl.clock() - idle
    ctl.flows.check_inactivity()
    s.wait(lambda: ctl.still_there and s.app.root.still_there.parent is not None)
    shot("13-still-there")
    from kiosk.runtime.hardware import PrinterOutOfPaper
    from kiosk.ui.receipt_output import printer_fault_text

    ctl.activity()
    ctl.problems = [
        {
            "shopper": ctl.t("Some features are unavailable. Staff have been told."),
            "staff": printer_fault_text(ctl.t, PrinterOutOfPaper("the printer is out of paper")),
        }
    ]
    ctl.say(ctl.t("This item is not in our catalogue. Please call staff."), error=True)
    s.wait(lambda: True)
    shot("14-errors")
    ctl.message = ""
    ctl.problems = []
    ctl.cancel_sale()
    s.wait(lambda: ctl.screen == "attract")
    return shots


def start_kivy() -> Any:
    """Set Kivy up for screenshots (no argv, a throwaway home, a window); return the UI settings."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))
    from kiosk.ui.lockdown import configure_kivy
    from kiosk.ui.settings import UiSettings

    # the demo store's e-receipt address (kiosk/default_config.toml)
    settings = UiSettings(
        thanks_seconds=600,
        inactivity_seconds=10_000,
        ereceipt_url="https://receipts.example.jp/r/{sale_id}",
    )
    configure_kivy(settings)
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    return settings


@functools.cache
def _app_class() -> Any:
    from kiosk.ui.app import make_app_class

    return make_app_class()


def open_app(config: Any, settings: Any, theme: str = "default") -> tuple[Any, Any]:
    """A started runtime for ``config`` and the kiosk app on it, ready to be shot."""
    from kiosk.app import build_runtime
    from kiosk.ui.theme import load_theme

    runtime = build_runtime(config)
    app = _app_class()(runtime, load_theme(theme), settings, catch_errors=False)
    app._run_prepare()
    return app, runtime


def close_app(app: Any, runtime: Any) -> None:
    from kivy.base import EventLoop

    app.dispatch("on_stop")
    EventLoop.window.remove_widget(app.root)
    runtime.shutdown()


ShootLanguage = Callable[[Shooter, str], list[Path]]


def tool_arguments(
    description: str,
    argv: list[str] | None,
    languages: tuple[str, ...] = LANGUAGES,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> tuple[argparse.Namespace, Any]:
    """What every screenshot tool starts with: ``--out`` and ``--languages`` (plus the
    tool's ``extra`` options) parsed, the output folder made, Kivy set up; returns the
    arguments and the UI settings for :func:`shoot_session`."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--languages", nargs="*", default=list(languages))
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    settings = start_kivy()
    args.out.mkdir(parents=True, exist_ok=True)
    return args, settings


def shoot_session(
    config: Any,
    settings: Any,
    out: Path,
    languages: list[str],
    shoot: ShootLanguage,
    theme: str = "default",
    large_text: bool = False,
) -> list[Path]:
    """One kiosk app on ``config``: ``shoot`` it in each language in turn (the same process
    serves them all, as a kiosk serves shopper after shopper), print and return the files
    written, and close the app whatever happens."""
    app, runtime = open_app(config, settings, theme)
    app.ctl.large_text = large_text
    prefix = "" if theme == "default" else f"{theme}-"
    prefix += "large-" if large_text else ""
    shooter = Shooter(app, out, prefix)
    shooter.large_text = large_text
    written: list[Path] = []
    try:
        for language in languages:
            for path in shoot(shooter, language):
                print(path)
                written.append(path)
    finally:
        close_app(app, runtime)
    return written


def main(argv: list[str] | None = None) -> int:
    def options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--theme", default="default")
        parser.add_argument("--large-text", action="store_true")

    args, settings = tool_arguments(__doc__ or "", argv, extra=options)
    from kiosk.config import load_config

    data_dir = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    config = load_config(offers_config(data_dir), demo=True, data_dir=data_dir)
    shoot_session(
        config, settings, args.out, args.languages, shoot_language, args.theme, args.large_text
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
