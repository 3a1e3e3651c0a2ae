"""GIVEN a shopper who turns large text on and then off again WHEN any screen is shown THEN
every label and button is back at the size a fresh kiosk shows it (issue 16 item 11: labels
sized by their own rule — ``fs_small`` — kept ``fs_body`` after the toggle, and the look-up
tiles kept the size they were made with)."""

from __future__ import annotations

import pytest
from kivy.uix.label import Label

pytestmark = pytest.mark.ui

ONIGIRI = "4901234000018"
SCREENS = ("shopping", "lookup", "code", "methods", "paying", "receipt", "ereceipt", "thanks")


def font_sizes(kiosk) -> dict[tuple[str, int, str], float]:
    """(screen, position, text) → font size of every Label on every screen."""
    sizes = {}
    for name in SCREENS:
        kiosk.ctl.screen = name
        kiosk.settle()
        for place, widget in enumerate(kiosk.screen(name).walk(restrict=True)):
            if isinstance(widget, Label):
                sizes[(name, place, widget.text[:20])] = widget.font_size
    return sizes


def test_large_text_off_restores_every_label_size(kiosk) -> None:
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: kiosk.ctl.rows, what="a basket line")
    before = font_sizes(kiosk)
    kiosk.ctl.screen = "lookup"  # toggled with the department tiles on screen
    kiosk.settle()
    kiosk.ctl.toggle_large_text()
    kiosk.settle()
    large = font_sizes(kiosk)
    kiosk.ctl.screen = "lookup"
    kiosk.settle()
    kiosk.ctl.toggle_large_text()
    kiosk.settle()
    after = font_sizes(kiosk)
    assert after.keys() == before.keys()
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {}
    # and large text did make them larger (the comparison above is not vacuous)
    assert sum(large[k] > before[k] for k in before if k in large) > len(before) // 2


def test_lookup_tiles_follow_large_text_while_shown(kiosk) -> None:
    kiosk.ctl.screen = "lookup"
    kiosk.settle()
    tiles = list(kiosk.screen("lookup").ids.departments.children)
    assert tiles and all(t.font_size == kiosk.ctl.fs_large for t in tiles)
    kiosk.ctl.toggle_large_text()
    kiosk.settle()
    assert all(t.font_size == kiosk.ctl.fs_large for t in tiles)
