"""Serial scale streaming ``ST,GS,+  0.123kg`` lines (A&D, CAS and many OEM scales).

Options: ``baudrate`` (9600), ``zero_command`` (``"Z"``; sent with CRLF by ``zero()``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.devices.base import DriverSink
from kiosk.devices.drivers.serial_link import Frame, FrameError, SerialLink, SuffixFramer
from kiosk.devices.errors import DeviceError, DeviceProtocolError
from kiosk.devices.scale import ScaleDriver, Weight, parse_weight_line


class SerialScaleDriver(ScaleDriver):
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
        self.url = url
        self.zero_command = zero_command
        self._serial_options = {"baudrate": int(baudrate)}
        self._port_factory = port_factory
        self._max_backoff = max_backoff
        self._sink: DriverSink | None = None
        self._last: Weight | None = None
        self.link: SerialLink | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> SerialScaleDriver:
        return cls(connection, **dict(options))

    def open(self, sink: DriverSink) -> None:
        self._sink = sink
        self._last = None
        self.link = SerialLink(
            self.url,
            SuffixFramer((b"\r", b"\n"), max_length=64),
            on_frame=self._on_frame,
            on_disconnect=sink.driver_disconnected,
            on_reconnect=sink.driver_reconnected,
            serial_options=self._serial_options,
            port_factory=self._port_factory,
            max_backoff=self._max_backoff,
            name=f"scale {self.url}",
        )
        self.link.start()

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None

    def check_health(self) -> str:
        if self.link is None or not self.link.connected:
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
