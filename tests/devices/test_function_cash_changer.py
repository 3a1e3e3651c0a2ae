"""Cash changer: KCP/1 framing, deposits with escrow checks, change, jams and 違算."""

from __future__ import annotations

import pytest

from kiosk.devices.base import DataEvent, ErrorEvent, StatusEvent
from kiosk.devices.changer import CashChanger, Discrepancy
from kiosk.devices.drivers.changer_protocol import (
    ChangerFramer,
    Message,
    encode,
    parse_inventory,
    plan_change,
)
from kiosk.devices.drivers.serial_changer import SerialChangerDriver
from kiosk.devices.drivers.serial_link import FrameError
from kiosk.devices.errors import ChangerBusy, ChangerJam, ChangeUnavailable
from kiosk.devices.sim.changer import ChangerSimulator, SimulatedChanger


@pytest.fixture
def changer(events):
    driver = SimulatedChanger()
    device = CashChanger(driver, name="changer")
    device.subscribe(events)
    device.open_claim_enable()
    yield device
    device.close()


@pytest.fixture
def machine(changer) -> ChangerSimulator:
    return changer.driver.sim


def test_frame_layout_and_bcc():
    """GIVEN a command WHEN encoded THEN STX, letters, data, ETX and the XOR BCC in hex."""
    frame = encode("DP", 1234)
    assert (
        frame
        == b"\x02DP 1234\x03"
        + f"{0x44 ^ 0x50 ^ 0x20 ^ 0x31 ^ 0x32 ^ 0x33 ^ 0x34 ^ 0x03:02X}".encode()
    )
    framer = ChangerFramer()
    assert framer.feed(frame[:3]) == []
    assert framer.feed(frame[3:]) == [Message("DP", ("1234",))]


def test_bad_bcc_and_noise_are_reported_not_parsed():
    """GIVEN a corrupted frame and stray bytes WHEN framed THEN FrameErrors, then a good one."""
    good = encode("ST")
    bad = good[:-1] + b"0" if good[-1:] != b"0" else good[:-1] + b"1"
    out = ChangerFramer().feed(b"zz" + bad + good)
    assert [type(x) for x in out] == [FrameError, FrameError, Message]
    assert out[1].reason == "BCC mismatch"


def test_plan_change_handles_the_2000_note_case():
    """GIVEN 5000×1, 2000×3 and no 1000s WHEN 6000 is due THEN 2000×3 (greedy would fail)."""
    assert plan_change(6000, {5000: 1, 2000: 3}) == {2000: 3}
    assert plan_change(3, {1: 2}) is None


def test_deposit_events_and_total(changer, machine, events):
    """GIVEN a deposit WHEN a 1000 note and a 500 coin go in THEN running deposit_amount
    events 1000, 1500 and end_deposit returns 1500; the inventory grew."""
    before = changer.inventory()
    changer.begin_deposit()
    assert machine.insert(1000) is True
    assert machine.insert(500) is True
    assert events.next(DataEvent, "deposit_amount").data == 1000
    assert events.next(DataEvent, "deposit_amount").data == 1500
    assert changer.end_deposit() == 1500
    after = changer.inventory()
    assert (after[1000] - before[1000], after[500] - before[500]) == (1, 1)


def test_note_is_handed_back_when_change_cannot_be_made(changer, machine, events):
    """GIVEN 300 yen due and a changer with no coins for 9700 change
    WHEN a 10000 note is inserted THEN it is rejected in escrow (never stacked), with a
    change_unavailable warning; a 1000 note is accepted."""
    machine.set_inventory({100: 7, 10: 0})
    changer.inventory()
    assert changer.can_make_change(700) is True
    assert changer.can_make_change(9700) is False
    changer.begin_deposit(amount_due=300)
    assert machine.insert(10000) is False
    event = events.next(StatusEvent, "change_unavailable")
    assert event.severity == "warning" and event.data == {"denomination": 10000}
    assert machine.insert(1000) is True
    assert changer.end_deposit() == 1000
    assert [m.command for m in machine.received if m.command in ("AC", "RJ")] == ["RJ", "AC"]


def test_change_is_paid_and_counted(changer, machine):
    """GIVEN stock WHEN 766 yen change is due THEN 766 is paid and stock goes down."""
    before = changer.inventory()
    assert changer.dispense_change(766) == 766
    after = changer.inventory()
    assert before[500] - after[500] == 1 and before[1] - after[1] == 1


def test_jam_while_paying_creates_a_discrepancy(changer, machine, events):
    """GIVEN a changer that jams after one piece WHEN 160 yen change is due
    THEN 100 is paid, a Discrepancy(due 160, paid 100) data event (違算) and a jam status;
    the next dispense raises ChangerJam until the jam is cleared."""
    machine.jam_next_dispense(after_pieces=1)
    assert changer.dispense_change(160) == 100
    jam = events.next(StatusEvent, "jam")
    assert jam.severity == "error"
    record = events.next(DataEvent, "discrepancy").data
    assert isinstance(record, Discrepancy)
    assert (record.due, record.paid, record.shortfall) == (160, 100, 60)
    assert changer.discrepancies == [record]
    with pytest.raises(ChangerJam, match="clear the jammed"):
        changer.dispense_change(10)
    machine.clear_jam()
    events.next(StatusEvent, "ok")
    assert changer.dispense_change(10) == 10


def test_change_unavailable_raises_before_paying(changer, machine):
    """GIVEN an empty coin stock WHEN change is due THEN ChangeUnavailable, nothing paid."""
    machine.set_inventory({})
    changer.inventory()
    with pytest.raises(ChangeUnavailable, match="smaller note"):
        changer.dispense_change(50)


def test_second_deposit_is_busy_and_cancel_returns_cash(changer, machine):
    """GIVEN a running deposit WHEN another starts THEN ChangerBusy; cancel returns the cash."""
    changer.begin_deposit()
    with pytest.raises(ChangerBusy):
        changer.begin_deposit()
    machine.insert(100)
    assert changer.cancel_deposit() == 100
    assert not changer.depositing


def test_near_empty_is_reported(changer, machine, events):
    """GIVEN few 10-yen coins WHEN health is checked THEN a near_empty warning naming 10."""
    machine.set_inventory({1000: 20, 500: 20, 100: 20, 50: 20, 10: 3, 5: 20, 1: 20})
    assert changer.check_health().status == "near empty: 10"
    event = events.next(StatusEvent, "near_empty")
    assert event.severity == "warning" and event.data["denominations"] == [10]


def test_unplugged_changer_is_a_disconnect(changer, machine, events):
    """GIVEN an open changer WHEN its cable is pulled THEN disconnected status + error."""
    machine.unplug()
    events.next(StatusEvent, "disconnected")
    assert events.next(ErrorEvent, "disconnected")
    assert changer.state == "error"


def test_inventory_text_round_trip():
    """GIVEN an IV payload WHEN parsed THEN every denomination is present."""
    counts = parse_inventory("1000=2,1=5")
    assert counts[1000] == 2 and counts[1] == 5 and counts[10000] == 0 and len(counts) == 10


def test_driver_against_a_raw_pty(pty):
    """GIVEN the serial driver on a pty with a hand-written changer side
    WHEN it opens THEN it asks ST; when told JAM it reports jam status."""
    import threading

    statuses = []

    class Sink:
        def driver_status(self, status, severity="info", detail="", **data):
            statuses.append(status)

        def driver_data(self, kind, data): ...
        def driver_error(self, error): ...
        def driver_disconnected(self, error): ...
        def driver_reconnected(self): ...

    def answer():
        request = b""
        while not request.endswith(b"\x03") and len(request) < 20:
            request += pty.read(1)
        request += pty.read_exactly(2)
        assert ChangerFramer().feed(request) == [Message("ST")]
        pty.send(encode("ST", "JAM"))

    helper = threading.Thread(target=answer)
    helper.start()
    driver = SerialChangerDriver(pty.path)
    driver.open(Sink())
    helper.join()
    driver.close()
    assert statuses == ["jam"]
