"""A keyboard-wedge scan typed while the kiosk is short of CPU (GIVEN/WHEN/THEN).

The kiosk reads keys once a frame, after its clock's tick; a starved main loop reads a scan
in lots, with its own stalls between them. :class:`Loop` plays that loop with times the
test sets: no sleeping, no thresholds on a real clock.
"""

from __future__ import annotations

import pytest
from stdnum import ean

from kiosk.messages import render
from kiosk.ui.burst import BrokenScan, WedgeBurstDetector
from kiosk.ui.controller import UNREADABLE
from kiosk.ui.i18n import LANGUAGE_NAMES
from kiosk.ui.scan_input import WedgeInput
from tests.ui.shopper_config import ONIGIRI
from tests.ui.test_shopper_messages import banner_text
from tests.ui.wedge_fakes import Shell, Window

EAN13 = "4901234000063"
WITH_EAN8_TAIL = "4900900002707"  # its last eight digits are a valid EAN-8


class Loop:
    """Kivy's main loop as the wedge sees it: a frame ticks at a time, then reads the keys
    that came (each read a moment later)."""

    def __init__(self) -> None:
        self.shell = Shell()
        self.ticks = [0.0, 0.0]
        self.now = 0.0
        self.wedge = WedgeInput(Window(), self.shell, ticks=lambda: (self.ticks[0], self.now))

    def frame(self, at: float, keys: str = "") -> None:
        self.ticks = [self.ticks[1], at]
        self.now = at
        for char in keys:
            self.now += 0.0001
            code = 13 if char == "\r" else ord(char)
            self.wedge._on_key_down(None, code, 0, None if char == "\r" else char, [])


def test_a_scan_read_in_lots_by_a_starved_loop_is_one_scan():
    """GIVEN a slow render, an empty frame at once, then 120 ms without the CPU WHEN the
    scanner's keys are read in three lots THEN it is the code typed, first digit included
    (the gap between lots is the kiosk's stall, not the scanner's)."""
    loop = Loop()
    loop.frame(0.000, "4")  # read after a 25 ms render; the scanner's next key is 4 ms away
    loop.frame(0.001)  # the next frame, late already: nothing yet
    loop.frame(0.121, "901234")  # the kiosk had no CPU for 120 ms
    loop.frame(0.122)
    loop.frame(0.123, "000063\r")
    assert loop.shell.scans == [EAN13]
    assert loop.shell.unreadable == []


def test_silence_the_loop_saw_splits_keys_and_the_scan_is_refused_not_truncated():
    """GIVEN a scanner whose keys stop for 200 ms while the loop keeps reading (frames find
    nothing) WHEN the rest follows THEN no code is taken — neither the 8-digit tail (a valid
    EAN-8 of another item) nor anything else — and the shell asks to scan again."""
    loop = Loop()
    assert ean.is_valid(WITH_EAN8_TAIL) and ean.is_valid(WITH_EAN8_TAIL[5:])
    loop.frame(0.000, WITH_EAN8_TAIL[:5])
    for i in range(1, 13):  # 60 frames a second, each finding no key
        loop.frame(i / 60)
    loop.frame(0.216, WITH_EAN8_TAIL[5:] + "\r")
    assert loop.shell.scans == []
    assert loop.shell.unreadable == [13]


def test_an_enter_after_a_pause_is_reported_not_swallowed():
    """GIVEN a whole code read, then frames with no key for 100 ms WHEN the Enter comes
    THEN the scan is reported unreadable (before, it vanished without a word)."""
    loop = Loop()
    loop.frame(0.0, EAN13)
    for i in range(1, 7):
        loop.frame(i / 60)
    loop.frame(0.117, "\r")
    assert loop.shell.scans == []
    assert loop.shell.unreadable == [13]


def test_a_person_typing_is_neither_a_scan_nor_a_broken_one():
    """GIVEN a person's keys, a few frames apart WHEN Enter ends them THEN nothing happens."""
    loop = Loop()
    at = 0.0
    for char in "123456\r":
        for _ in range(9):  # 150 ms between keys, frames on time
            at += 1 / 60
            loop.frame(at)
        loop.frame(at + 0.001, char)
    assert loop.shell.scans == [] and loop.shell.unreadable == []


def test_the_next_scan_after_a_broken_one_reads_whole():
    """GIVEN a broken scan WHEN the shopper scans again THEN that scan is the code."""
    loop = Loop()
    loop.frame(0.0, "4901")
    for i in range(1, 13):
        loop.frame(i / 60)
    loop.frame(0.25, "234000063\r")
    loop.frame(1.5, EAN13 + "\r")
    assert loop.shell.unreadable == [13]
    assert loop.shell.scans == [EAN13]


def test_no_cut_of_an_ean13_is_taken_as_a_shorter_code():
    """GIVEN every place a pause can fall in an EAN-13 and its Enter WHEN the keys are fed
    with that pause THEN the result is the whole code or a BrokenScan, never a part."""
    for pause_before in range(1, 14):  # before key i (13 = before the Enter)
        detector = WedgeBurstDetector()
        results = []
        for i, char in enumerate(EAN13 + "\r"):
            at = i * 0.004 + (0.2 if i >= pause_before else 0.0)
            results.append(detector.feed(char, at))
        assert [r for r in results if r is not None] == [BrokenScan(EAN13)], pause_before


@pytest.mark.ui
def test_the_shopper_is_asked_to_scan_again_in_their_language(kiosk) -> None:
    """GIVEN a Korean shopper WHEN a scan reaches the kiosk's window with a pause its loop
    saw inside THEN nothing is added, the banner asks to scan again in Korean; WHEN the
    shopper scans again THEN the item is added."""
    ctl = kiosk.ctl
    kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    kiosk.tap_text(shopping, LANGUAGE_NAMES["ko"])
    kiosk.settle()
    ticks = [0.0, 0.0]  # the loop's previous tick, now: set here, not measured
    kiosk.app.wedge.ticks = lambda: (ticks[0], ticks[1])

    def keys(text: str) -> None:
        for char in text:
            ticks[1] += 0.0001
            code = 13 if char == "\r" else ord(char)
            kiosk.window.dispatch("on_key_down", code, 0, None if char == "\r" else char, [])

    ticks[:] = [10.0, 10.0]
    keys(WITH_EAN8_TAIL[:5])
    ticks[:] = [10.2, 10.21]  # the frame before found no key, 200 ms on
    keys(WITH_EAN8_TAIL[5:] + "\r")
    assert banner_text(kiosk) == render(UNREADABLE, "ko")
    kiosk.settle()
    assert ctl.item_count == 0
    ticks[:] = [20.0, 20.0]
    keys(ONIGIRI + "\r")
    kiosk.wait(lambda: ctl.item_count == 1, what="the onigiri scanned again")
