"""Fixtures for the Kivy shell: one real window (under Xvfb) per test session, a fresh
runtime and app per test, and a driver that pumps the event loop with bounded waits.

Kivy reads its environment at import, so it is set here before anything imports Kivy.
"""

from __future__ import annotations

import os
import tempfile

os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))

from collections.abc import Iterator

import pytest

from kiosk.ui.lockdown import configure_kivy
from kiosk.ui.settings import UiSettings

configure_kivy(UiSettings())

from tests.ui.driver import KioskDriver, make_driver  # noqa: E402


@pytest.fixture
def kiosk(tmp_path) -> Iterator[KioskDriver]:
    """A running kiosk app on the demo catalogue, in the session's window."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (run under xvfb-run)")
    driver = make_driver(tmp_path)
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def kiosk_factory(tmp_path):
    """Make a kiosk with a different theme, settings or config (closed after the test)."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (run under xvfb-run)")
    made: list[KioskDriver] = []

    def make(**kwargs) -> KioskDriver:
        driver = make_driver(tmp_path / f"k{len(made)}", **kwargs)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.close()


@pytest.fixture
def window_size(request):
    """Resize the session's window for one test (``indirect`` parametrisation: the size is
    the parameter), then give the previous size back."""
    from kivy.core.window import Window

    before = tuple(Window.size)
    Window.size = request.param
    yield request.param
    Window.size = before
