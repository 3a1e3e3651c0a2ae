"""GIVEN a kiosk whose allow-list names the example WHEN a shopper taps "Rate this checkout"
and a rating THEN the plugin's own screen opened (kiosk_ui_screens), said so in Japanese,
and the rating is an outbox event for the back office."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.store.models import OutboxRow

pytestmark = pytest.mark.ui


@pytest.fixture
def kiosk(installed, tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.fail("needs a display: run under xvfb-run")
    from tests.ui.driver import make_driver  # the kiosk's own UI test driver

    config = tmp_path / "kiosk.toml"
    config.write_text(
        "[plugins]\nallow = [{ entry_point = "
        + f'"{installed.entry_point}", distribution = "{installed.distribution}", '
        + f'version = "{installed.version}" }}]\n',
        encoding="utf-8",
    )
    driver = make_driver(tmp_path / "data", config_file=config)
    yield driver
    driver.close()


def test_the_shopper_rates_the_checkout_on_the_plugins_screen(kiosk):
    kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    kiosk.tap(shopping.ids.example_feedback)
    screen = kiosk.wait_screen("example_feedback")
    assert screen.ids.question.text == "今日のお会計はいかがでしたか？"
    kiosk.tap(screen.ids.good)
    kiosk.wait_screen("shopping")
    kiosk.wait(lambda: _ratings(kiosk.runtime) == ["good"], what="the outbox event")


def test_the_plugin_screen_times_out_like_a_shopper_screen(kiosk):
    assert "example_feedback" in kiosk.ctl.shopper_screens


def _ratings(runtime) -> list[str]:
    with Session(runtime.database()) as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.kind == "example_feedback"))
        return [row.payload["rating"] for row in rows]


def test_the_plugin_screen_has_the_header_and_language_bar_every_screen_has(kiosk):
    """GIVEN the feedback screen WHEN the shopper taps English in its language bar THEN the
    header's title and the question change language there, as on every other screen."""
    kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    kiosk.tap(shopping.ids.example_feedback)
    screen = kiosk.wait_screen("example_feedback")
    header = screen.ids.header.__self__  # the widget behind kv's weak reference
    assert type(header).__name__ == "HeaderBar" and header.title == "このレジを評価する"
    english = next(w for w in header.walk(restrict=True) if getattr(w, "text", "") == "English")
    kiosk.tap(english)
    kiosk.wait(lambda: screen.ids.question.text == "How was your checkout today?", what="English")
    assert header.title == "Rate this checkout"
