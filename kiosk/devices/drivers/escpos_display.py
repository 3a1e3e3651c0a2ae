"""ESC/POS customer display (Epson DM-D series and compatibles), 2 × 20, cp932 text.

Commands: ``ESC @`` initialise, ``FS C 1`` + ``FS &`` Shift JIS kanji (Japanese models; option
``kanji = false`` for ASCII/katakana-only models), ``CLR`` (0x0C) clear, ``US $ x y`` move the
cursor to column x, row y (1-based). Options: ``baudrate`` (9600), ``columns``, ``rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.devices.base import DriverSink
from kiosk.devices.drivers.serial_link import SerialLink, SuffixFramer
from kiosk.devices.line_display import LineDisplayDriver

INIT = b"\x1b@"
KANJI = b"\x1cC\x01\x1c&"
CLEAR = b"\x0c"


def cursor(column: int, row: int) -> bytes:
    return b"\x1f$" + bytes((column, row))


class EscposDisplayDriver(LineDisplayDriver):
    driver_name = "escpos"

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        kanji: bool = True,
        columns: int = 20,
        rows: int = 2,
        port_factory: Callable[..., Any] | None = None,
    ) -> None:
        if not url:
            raise ValueError("a customer display needs a connection (a pyserial URL)")
        self.url = url
        self.kanji = kanji
        self.columns = columns
        self.rows = rows
        self._serial_options = {"baudrate": int(baudrate)}
        self._port_factory = port_factory
        self.link: SerialLink | None = None

    @classmethod
    def from_profile(cls, connection: str, options: Mapping[str, Any]) -> EscposDisplayDriver:
        return cls(connection, **dict(options))

    def open(self, sink: DriverSink) -> None:
        self.link = SerialLink(
            self.url,
            SuffixFramer((b"\r",), max_length=1 << 16),  # the display sends nothing we need
            on_frame=lambda frame: None,
            on_disconnect=sink.driver_disconnected,
            on_reconnect=self._reinit_then(sink.driver_reconnected),
            serial_options=self._serial_options,
            port_factory=self._port_factory,
            name=f"display {self.url}",
        )
        self.link.start()
        self.link.write(self._init_bytes())

    def _init_bytes(self) -> bytes:
        return INIT + (KANJI if self.kanji else b"") + CLEAR

    def _reinit_then(self, then: Callable[[], None]) -> Callable[[], None]:
        def reconnected() -> None:
            if self.link is not None:
                self.link.write(self._init_bytes())
            then()

        return reconnected

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None

    def check_health(self) -> str:
        return "ok" if self.link is not None and self.link.connected else "disconnected"

    def show(self, lines: list[bytes]) -> None:
        assert self.link is not None
        data = b"".join(cursor(1, row) + text for row, text in enumerate(lines, start=1))
        self.link.write(data)

    def clear(self) -> None:
        assert self.link is not None
        self.link.write(CLEAR)
