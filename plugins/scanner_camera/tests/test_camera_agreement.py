"""Agreement (misread defence) and cooldown, with a hand-driven clock."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from plugins.scanner_camera.agreement import ScanAgreement


@dataclass(frozen=True)
class Read:
    code: str
    confirmed: bool = True

    @property
    def key(self) -> str:
        return self.code


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def feed(gate: ScanAgreement, clock: Clock, frames: list[list[str]], dt: float = 0.1):
    out = []
    for frame in frames:
        clock.now += dt
        out.append([r.code for r in gate.observe([Read(c) for c in frame])])
    return out


def flat(frames: list[list[str]]) -> list[str]:
    return [code for frame in frames for code in frame]


def make(clock: Clock, **kw) -> ScanAgreement:
    return ScanAgreement(kw.pop("agree_frames", 2), clock=clock, **kw)


def test_function_accepts_after_two_agreeing_frames():
    clock = Clock()
    assert feed(make(clock), clock, [["A"], ["A"], ["A"]]) == [[], ["A"], []]


def test_function_single_frame_misread_is_dropped():
    clock = Clock()
    frames = [["A"], ["B"], ["A"], [], [], ["B"]]  # B never appears twice in a row
    assert feed(make(clock), clock, frames, dt=0.2) == [[], [], ["A"], [], [], []]


def test_function_sightings_too_far_apart_do_not_agree():
    clock = Clock()
    gate = make(clock, agree_within=0.5)
    assert feed(gate, clock, [["A"], ["A"]], dt=0.6) == [[], []]


def test_function_agree_frames_three():
    clock = Clock()
    assert feed(make(clock, agree_frames=3), clock, [["A"]] * 4) == [[], [], ["A"], []]


def test_function_held_item_added_once_until_gone():
    """GIVEN an item held for 3 s WHEN it leaves and comes back THEN it is added twice."""
    clock = Clock()
    gate = make(clock, gone_after=1.0)
    held = feed(gate, clock, [["A"]] * 30)
    assert flat(held) == ["A"]
    gap = feed(gate, clock, [[]] * 11)  # 1.1 s out of view
    back = feed(gate, clock, [["A"]] * 5)
    assert flat(gap) == []
    assert flat(back) == ["A"]


def test_function_brief_dropout_is_not_gone():
    clock = Clock()
    gate = make(clock, gone_after=1.0)
    frames = [["A"]] * 5 + [[]] * 5 + [["A"]] * 5  # 0.5 s of missed reads
    assert flat(feed(gate, clock, frames)) == ["A"]


def test_function_interval_cooldown_re_adds_while_held():
    clock = Clock()
    gate = make(clock, cooldown=2.0)
    out = feed(gate, clock, [["A"]] * 50)  # 5 s held
    assert flat(out) == ["A", "A", "A"]  # at 0.2 s, about 2.2 s and 4.2 s


def test_function_interval_cooldown_suppresses_quick_return():
    clock = Clock()
    gate = make(clock, cooldown=3.0, gone_after=0.2)
    frames = [["A"]] * 3 + [[]] * 5 + [["A"]] * 3  # back after 0.5 s, within 3 s
    assert flat(feed(gate, clock, frames)) == ["A"]


def test_function_two_items_in_one_frame_each_added_once():
    clock = Clock()
    out = feed(make(clock), clock, [["A", "B"], ["A", "B"], ["B", "A"]])
    assert out == [[], ["A", "B"], []]


def test_function_reset_forgets_cooldown():
    clock = Clock()
    gate = make(clock)
    feed(gate, clock, [["A"], ["A"]])
    gate.reset()
    assert feed(gate, clock, [["A"], ["A"]]) == [[], ["A"]]


def test_function_agree_frames_must_be_positive():
    with pytest.raises(ValueError, match="agree_frames"):
        ScanAgreement(0)


# --- fallback reads no second pass confirmed need a second frame ------------------------------


def feed_reads(gate: ScanAgreement, clock: Clock, frames: list[list[Read]], dt: float = 0.1):
    out = []
    for frame in frames:
        clock.now += dt
        out.append([r.code for r in gate.observe(frame)])
    return out


def test_function_unconfirmed_fallback_read_alone_is_rejected():
    """GIVEN agree_frames=1 WHEN a fallback read nobody confirmed shows once THEN no scan."""
    clock = Clock()
    gate = make(clock, agree_frames=1)
    frames = [[Read("A", confirmed=False)], [], [], []]
    assert feed_reads(gate, clock, frames) == [[], [], [], []]


def test_function_unconfirmed_fallback_read_confirmed_by_the_next_frame():
    clock = Clock()
    gate = make(clock, agree_frames=1)
    frames = [[Read("A", confirmed=False)], [Read("A", confirmed=False)], []]
    assert feed_reads(gate, clock, frames) == [[], ["A"], []]


def test_function_confirmed_read_is_accepted_at_once_with_one_frame():
    clock = Clock()
    gate = make(clock, agree_frames=1)
    assert feed_reads(gate, clock, [[Read("A")], [Read("A")]]) == [["A"], []]


def test_function_confirmed_sighting_counts_with_an_earlier_unconfirmed_one():
    clock = Clock()
    gate = make(clock, agree_frames=2)
    frames = [[Read("A", confirmed=False)], [Read("A", confirmed=True)]]
    assert feed_reads(gate, clock, frames) == [[], ["A"]]


def test_function_unconfirmed_frames_needed_stays_at_least_two():
    with pytest.raises(ValueError, match="unconfirmed_frames"):
        ScanAgreement(1, unconfirmed_frames=1)
