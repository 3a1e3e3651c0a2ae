"""Member-card reader, camera and call light (simulated)."""

from __future__ import annotations

from PIL import Image

from kiosk.devices.base import DataEvent
from kiosk.devices.call_light import CallLight, LightColor, LightMode
from kiosk.devices.camera import Camera
from kiosk.devices.member_card import MemberCard, MemberCardReader
from kiosk.devices.sim.call_light import SimulatedCallLight
from kiosk.devices.sim.camera import SimulatedCamera
from kiosk.devices.sim.member_card import SimulatedMemberCardReader


def test_member_card_event(events):
    """GIVEN a reader WHEN a FeliCa card is read THEN a member_card data event."""
    sim = SimulatedMemberCardReader()
    reader = MemberCardReader(sim, name="member_reader")
    reader.subscribe(events)
    reader.open_claim_enable()
    sim.inject_card("0001234567")
    assert events.next(DataEvent, "member_card").data == MemberCard("0001234567", "felica")
    reader.close()


def test_camera_frame():
    """GIVEN a simulated camera showing a picture WHEN captured THEN the same pixels."""
    sim = SimulatedCamera()
    camera = Camera(sim, name="camera")
    camera.open_claim_enable()
    picture = Image.new("L", (8, 4), 200)
    sim.show(picture)
    frame = camera.capture()
    assert (frame.width, frame.height) == (8, 4)
    assert frame.to_image().tobytes() == picture.tobytes()
    camera.close()


def test_call_light_states():
    """GIVEN a tower light WHEN red blinks with the buzzer and then all off THEN both states
    reach the driver."""
    sim = SimulatedCallLight()
    light = CallLight(sim, name="light")
    light.open_claim_enable()
    light.set("red", "blink", buzzer=True)
    light.off()
    assert sim.history[0].lamps[LightColor.RED] is LightMode.BLINK and sim.history[0].buzzer
    assert set(sim.history[1].lamps.values()) == {LightMode.OFF}
    light.close()
