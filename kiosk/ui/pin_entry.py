"""Staff ID then PIN, typed on our own pad: the behaviour the staff overlay and the station share.

A widget mixes this in, has a digit pad with id ``pad`` whose ``on_value`` calls
:meth:`PinEntry.on_pad`, and implements :meth:`submit`.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty


class PinEntry:
    field = StringProperty("staff_id")  # which entry the pad types into: staff_id | pin
    staff_id = StringProperty("")
    pin = StringProperty("")
    ids: Any

    def submit(self, staff_id: str, pin: str) -> None:
        raise NotImplementedError

    def on_pad(self, value: str) -> None:
        if self.field == "pin":
            self.pin = value
        else:
            self.staff_id = value

    def choose(self, field: str) -> None:
        self.field = field
        self.ids.pad.value = self.pin if field == "pin" else self.staff_id

    def ok(self) -> None:
        if self.field == "staff_id":
            self.choose("pin")
            return
        staff_id, pin = self.staff_id, self.pin
        self.reset()
        self.submit(staff_id, pin)

    def reset(self, *_args: Any) -> None:
        self.staff_id = self.pin = ""
        self.field = "staff_id"
        if "pad" in self.ids:
            self.ids.pad.value = ""
