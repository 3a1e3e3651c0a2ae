"""GIVEN a kiosk whose database was deleted (its data directory kept) WHEN the shell starts
THEN the closed screen covers Start and the problem bar tells the shopper and staff why."""

from __future__ import annotations

import os

import pytest

from kiosk.store import LocalStore
from tests.ui.driver import make_driver

pytestmark = pytest.mark.ui


def test_a_replaced_database_shows_the_closed_screen(tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (run under xvfb-run)")
    data = tmp_path / "kiosk"
    LocalStore(data / "kiosk.sqlite3").close()  # the kiosk's first database, and its marker
    (data / "kiosk.sqlite3").unlink()
    kiosk = make_driver(data)
    try:
        ctl, root = kiosk.ctl, kiosk.root
        assert kiosk.runtime.identity_problem is not None
        kiosk.wait(lambda: root.closed.parent is not None, what="closed screen")
        kiosk.settle()
        assert root.closed.ids.title.text == ctl.t("This checkout is closed")
        assert ctl.problems[0]["shopper"] == ctl.t(
            "This checkout is closed. Please use another one."
        )
        assert "confirm-new" in ctl.problems[0]["staff"]
        for language in ("zh-Hans", "ko"):  # translated, not left in English
            ctl.set_language(language)
            kiosk.settle()
            assert root.closed.ids.title.text == ctl.t("This checkout is closed")
            assert root.closed.ids.title.text != "This checkout is closed"
        kiosk.tap(kiosk.widget("start", "attract"))  # covered: nothing starts
        kiosk.settle()
        assert ctl.screen == "attract" and kiosk.runtime.checkout.state.value == "idle"
    finally:
        kiosk.close()
