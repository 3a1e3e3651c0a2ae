"""Scale (continuous weight stream) and the ESC/POS customer display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.devices.base import DataEvent, ErrorEvent
from kiosk.devices.drivers.escpos_display import EscposDisplayDriver
from kiosk.devices.drivers.serial_scale import SerialScaleDriver
from kiosk.devices.errors import DeviceProtocolError, ScaleOverload
from kiosk.devices.line_display import LineDisplay
from kiosk.devices.scale import Scale, Weight, parse_weight_line
from kiosk.devices.sim.line_display import SimulatedLineDisplay
from kiosk.devices.sim.scale import SimulatedScale

from .escpos_tokens import tokenize


@pytest.mark.parametrize(
    ("line", "weight"),
    [
        ("ST,GS,+  0.123kg", Weight(Decimal("123"), stable=True)),
        ("US,GS,+  0.120kg", Weight(Decimal("120"), stable=False)),
        ("ST,NT,-  0.005kg", Weight(Decimal("-5"), stable=True, net=True)),
        ("ST,+00123.4  g", Weight(Decimal("123.4"), stable=True)),
        ("OL,GS,+9999999kg", Weight(Decimal(0), stable=False, overload=True)),
    ],
)
def test_weight_lines_parse(line, weight):
    """GIVEN a line of the ST,GS,+0.123kg family WHEN parsed THEN grams, stable, net, OL."""
    assert parse_weight_line(line) == weight


def test_bad_weight_line():
    """GIVEN noise WHEN parsed THEN a protocol error with a settings hint."""
    with pytest.raises(DeviceProtocolError, match="stream mode"):
        parse_weight_line("hello")


def test_serial_scale_on_a_pty(pty, events):
    """GIVEN a serial scale streaming on a pty WHEN unstable then stable lines arrive
    (repeated lines, a garbage line) THEN weight events only on change, wait_for_stable gets
    the stable weight and garbage is an error event."""
    scale = Scale(SerialScaleDriver(pty.path), name="scale")
    scale.subscribe(events)
    scale.open_claim_enable()
    try:
        pty.send(b"US,GS,+  0.120kg\r\nUS,GS,+  0.120kg\r\n??\r\nST,GS,+  0.123kg\r\n")
        assert events.next(DataEvent, "weight").data.grams == 120
        assert isinstance(events.next(ErrorEvent).error, DeviceProtocolError)
        assert scale.wait_for_stable().grams == 123
        assert [e.data.grams for e in events.drain() if isinstance(e, DataEvent)] == [120, 123]
        scale.zero()
        assert pty.read_exactly(3) == b"Z\r\n"
    finally:
        scale.close()


def test_simulated_scale_overload():
    """GIVEN a simulated scale WHEN overloaded THEN read_weight raises ScaleOverload."""
    sim = SimulatedScale()
    scale = Scale(sim, name="scale")
    scale.open_claim_enable()
    sim.set_weight("250.5")
    assert scale.read_weight() == Weight(Decimal("250.5"), stable=True)
    sim.overload()
    with pytest.raises(ScaleOverload, match="Remove the item"):
        scale.read_weight()
    scale.close()


def test_escpos_display_bytes(pty):
    """GIVEN an ESC/POS display on a pty WHEN two lines are shown THEN init + kanji mode +
    clear, then US $ cursor moves with 20-byte cp932 lines (a double-byte char never split)."""
    display = LineDisplay(EscposDisplayDriver(pty.path), name="display")
    display.open_claim_enable()
    try:
        assert pty.read_exactly(8) == b"\x1b@\x1cC\x01\x1c&\x0c"
        display.show("りんご 1個", "合計 ￥1,280 ありがとうございます")
        data = pty.read_exactly(2 * (4 + 20))
    finally:
        display.close()
    tokens = tokenize(data)
    assert [str(t) for t in tokens] == [
        "US $ 1 1",
        "TEXT りんご 1個          ",
        "US $ 1 2",
        "TEXT 合計 ￥1,280 ありが ",
    ]
    assert len(tokens[3].data) == 20


def test_simulated_display_keeps_text():
    """GIVEN a simulated display WHEN text is shown and cleared THEN history keeps it."""
    sim = SimulatedLineDisplay()
    display = LineDisplay(sim, name="display")
    display.open_claim_enable()
    display.show("いらっしゃいませ")
    display.clear()
    assert sim.history == [["いらっしゃいませ", ""], []]
    with pytest.raises(ValueError, match="2 lines"):
        display.show("a", "b", "c")
    display.close()
