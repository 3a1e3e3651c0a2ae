"""What :class:`kiosk.ui.scan_input.WedgeInput` talks to, for tests without a window: a
window it binds to, and a shell that records the scans it takes and the ones it refuses."""

from __future__ import annotations

from typing import Any


class Window:
    def bind(self, **_handlers: Any) -> None:
        pass


class Shell:
    def __init__(self) -> None:
        self.scans: list[str] = []  # codes taken
        self.unreadable: list[int] = []  # broken scans: how many keys each

    def scan(self, scan: Any) -> None:
        assert scan.source == "keyboard-wedge"
        self.scans.append(scan.code)

    def unreadable_scan(self, source: str, keys: int) -> None:
        assert source == "keyboard-wedge"
        self.unreadable.append(keys)
