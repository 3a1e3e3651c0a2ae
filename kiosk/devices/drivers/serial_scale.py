"""Serial scale streaming ``ST,GS,+  0.123kg`` lines (A&D, CAS and many OEM scales).

Options: ``baudrate`` (9600), ``zero_command`` (``"Z"``; sent with CRLF by ``zero()``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.devices.base import DriverSink
from kiosk.devices.drivers.serial_link import (
    Frame,
    FrameError,
    SerialLinkDriver,
    SuffixFramer,
)
from kiosk.devices.errors import DeviceError, DeviceProtocolError
from kiosk.devices.scale import ScaleDriver, Weight, parse_weight_line


class SerialScaleDriver(ScaleDriver, SerialLinkDriver):
    driver_name = "serial"

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        zero_command: str = "Z",
        port_factory: Callable[..., Any] | None = None,
        max_backoff: float = 1.0,
    ) -> None:
        if not url:
            raise ValueError("a serial scale needs a connection (a pyserial URL)")
        self.zero_command = zero_command
        self._init_link(url, baudrate, port_factory, max_backoff)
        self._sink: DriverSink | None = None
        self._last: Weight | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> SerialScaleDriver:
        return cls(connection, **dict(options))

    def open(self, sink: DriverSink) -> None:
        self._sink = sink
        self._last = None
        self._start_link(SuffixFramer((b"\r", b"\n"), max_length=64), sink, "scale")

    def close(self) -> None:
        self._close_link()

    def check_health(self) -> str:
        if not self.link_connected:
            return "disconnected"
        return "overload" if self._last is not None and self._last.overload else "ok"

    def zero(self) -> None:
        if self.link is not None:
            self.link.write(self.zero_command.encode("ascii") + b"\r\n")

    def _on_frame(self, frame: Frame) -> None:
        sink = self._sink
        if sink is None:
            return
        if isinstance(frame, FrameError):
            sink.driver_error(DeviceProtocolError(f"scale: {frame.reason}"))
            return
        try:
            weight = parse_weight_line(frame.decode("ascii", errors="replace"))
        except DeviceError as exc:
            sink.driver_error(exc)
            return
        if weight != self._last:
            self._last = weight
            sink.driver_data("weight", weight)
