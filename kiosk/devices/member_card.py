"""MemberCardReader (会員カードリーダー): magnetic, IC (FeliCa) or barcode member cards.

Emits ``DataEvent(kind="member_card", data=MemberCard(...))``. Only the member number and
the card type leave the driver — no other card content.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.devices.base import Device, DeviceDriver


@dataclass(frozen=True, slots=True)
class MemberCard:
    member_id: str
    card_type: str = "unknown"  # "magnetic", "felica", "barcode", "app"


class MemberCardReaderDriver(DeviceDriver):
    """Calls ``sink.driver_data("member_card", MemberCard(...))`` for each card read."""


class MemberCardReader(Device):
    device_class = "MemberCardReader"
