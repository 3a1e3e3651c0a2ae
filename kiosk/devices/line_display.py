"""LineDisplay (カスタマーディスプレイ): the customer-facing pole display, 2 lines × 20 columns.

Text is measured in cp932 bytes (a full-width character takes 2 columns); a line that is too
long is cut without splitting a double-byte character.
"""

from __future__ import annotations

from abc import abstractmethod

from kiosk.devices.base import Device, DeviceDriver
from kiosk.devices.cp932 import fit_cp932


class LineDisplayDriver(DeviceDriver):
    columns = 20
    rows = 2

    @abstractmethod
    def show(self, lines: list[bytes]) -> None:
        """Show already-fitted cp932 lines (one per row)."""

    @abstractmethod
    def clear(self) -> None: ...


class LineDisplay(Device):
    device_class = "LineDisplay"
    driver: LineDisplayDriver

    def __init__(self, driver: LineDisplayDriver, *, name: str | None = None) -> None:
        super().__init__(driver, name=name)
        self.text: tuple[str, ...] = ()

    @property
    def columns(self) -> int:
        return self.driver.columns

    def show(self, *lines: str) -> None:
        """Show up to ``rows`` lines, e.g. ``show("りんご", "合計 ￥1,280")``."""
        rows = self.driver.rows
        if len(lines) > rows:
            raise ValueError(f"the display has {rows} lines, got {len(lines)}")
        padded = list(lines) + [""] * (rows - len(lines))
        with self._operation("show"):
            self.driver.show([fit_cp932(line, self.driver.columns) for line in padded])
            self.text = tuple(padded)

    def clear(self) -> None:
        with self._operation("clear"):
            self.driver.clear()
            self.text = ()
