"""GIVEN keys with timestamps WHEN fed to the wedge detector THEN scanner bursts become codes
and people typing do not."""

from kiosk.ui.burst import BrokenScan, WedgeBurstDetector


def feed(
    detector: WedgeBurstDetector, text: str, start: float, gap: float
) -> list[str | BrokenScan]:
    codes = []
    for i, char in enumerate(text):
        code = detector.feed(char, at=start + i * gap)
        if code:
            codes.append(code)
    return codes


def test_fast_burst_ending_in_enter_is_a_scan() -> None:
    assert feed(WedgeBurstDetector(), "4901234000018\r", 0.0, 0.004) == ["4901234000018"]


def test_slow_typing_is_not_a_scan() -> None:
    assert feed(WedgeBurstDetector(), "4901234000018\r", 0.0, 0.2) == []


def test_short_burst_is_a_person_not_a_scanner() -> None:
    assert feed(WedgeBurstDetector(min_length=4), "12\r", 0.0, 0.001) == []


def test_keys_long_before_a_burst_are_dropped() -> None:
    detector = WedgeBurstDetector()
    detector.feed("9", at=0.0)
    detector.feed("9", at=0.01)
    assert feed(detector, "49012340\r", 2.0, 0.005) == ["49012340"]


def test_keys_just_before_a_burst_make_it_a_broken_scan() -> None:
    """GIVEN keys 200 ms before a burst (its beginning, cut off by a stall) WHEN the burst
    ends THEN it is a BrokenScan, not the shorter code after the pause."""
    detector = WedgeBurstDetector()
    detector.feed("4", at=0.0)
    detector.feed("9", at=0.004)
    assert feed(detector, "01234000018\r", 0.2, 0.004) == [BrokenScan("4901234000018")]


def test_injected_clock_and_control_keys_reset() -> None:
    now = [0.0]
    detector = WedgeBurstDetector(clock=lambda: now[0])
    for char in "1234":
        now[0] += 0.002
        detector.feed(char)
    detector.feed("\x1b")  # escape: not part of a code
    now[0] += 0.002
    assert detector.feed("\r") is None
    assert detector.pending == ""
