"""Simulated member-card reader: ``inject_card("1234567890")``."""

from __future__ import annotations

from kiosk.devices.base import DriverSink
from kiosk.devices.errors import DeviceDisconnected
from kiosk.devices.member_card import MemberCard, MemberCardReaderDriver


class SimulatedMemberCardReader(MemberCardReaderDriver):
    driver_name = "sim"

    def __init__(self) -> None:
        self._sink: DriverSink | None = None

    def open(self, sink: DriverSink) -> None:
        self._sink = sink

    def close(self) -> None:
        self._sink = None

    def inject_card(self, member_id: str, card_type: str = "felica") -> None:
        if self._sink is not None:
            self._sink.driver_data("member_card", MemberCard(member_id, card_type))

    def drop_connection(self) -> None:
        if self._sink is not None:
            self._sink.driver_disconnected(DeviceDisconnected("simulated unplug"))
