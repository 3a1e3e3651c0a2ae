"""A serial connection that survives unplugging: framing, a reader thread, reconnect.

Any pyserial URL works (``/dev/serial/by-id/usb-…``, ``/dev/ttyUSB0``, ``socket://host:port``,
``loop://``) because the port is made with :func:`serial.serial_for_url`.

A hot unplug shows up in pyserial as ``SerialException("device reports readiness to read but
returned no data …")`` while ``port.is_open`` is still True (or as EIO). The link treats any
read/write exception as a disconnect: it closes the port, *discards the partial frame* (so a
half-read barcode is never emitted, and never emitted twice), tells its owner, and reopens
the same URL with a backoff capped at ``max_backoff`` seconds (1 s by default), so a device is
back well within 5 s of being plugged in again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import serial

from kiosk.devices.errors import DeviceDisconnected

log = logging.getLogger(__name__)

#: Fallback read timeout: how quickly the reader thread notices ``close()``.
READ_TIMEOUT = 0.05


@dataclass(frozen=True, slots=True)
class FrameError:
    """A framer's complaint about bytes it had to throw away."""

    reason: str
    data: bytes


Frame = bytes | FrameError


class SuffixFramer:
    """Frames terminated by a suffix (CR, CRLF, LF, ETX …), optionally after a prefix.

    With the default terminators ``(b"\\r", b"\\n")`` both CR and CRLF work: empty frames
    between CR and LF are dropped. A frame longer than ``max_length`` is reported as a
    :class:`FrameError` and the rest of it, up to the next terminator, is discarded.
    """

    def __init__(
        self,
        terminators: Iterable[bytes] = (b"\r", b"\n"),
        prefix: bytes = b"",
        max_length: int = 256,
    ) -> None:
        self.terminators = tuple(t for t in terminators if t)
        if not self.terminators:
            raise ValueError("SuffixFramer needs at least one non-empty terminator")
        self.prefix = prefix
        self.max_length = max_length
        self._buffer = bytearray()
        self._overflowing = False

    def reset(self) -> None:
        self._buffer.clear()
        self._overflowing = False

    def _find_terminator(self) -> tuple[int, int]:
        best = (-1, 0)
        for term in self.terminators:
            at = self._buffer.find(term)
            if at >= 0 and (best[0] < 0 or at < best[0]):
                best = (at, len(term))
        return best

    def feed(self, data: bytes) -> list[Frame]:
        out: list[Frame] = []
        self._buffer.extend(data)
        while True:
            at, size = self._find_terminator()
            if at < 0:
                if len(self._buffer) > self.max_length and not self._overflowing:
                    out.append(FrameError("frame longer than max_length", bytes(self._buffer)))
                    self._overflowing = True
                if self._overflowing:
                    self._buffer.clear()
                return out
            raw = bytes(self._buffer[:at])
            del self._buffer[: at + size]
            if self._overflowing:
                self._overflowing = False
                continue
            if not raw:
                continue
            if len(raw) > self.max_length:
                out.append(FrameError("frame longer than max_length", raw))
                continue
            if self.prefix:
                start = raw.find(self.prefix)
                if start < 0:
                    out.append(FrameError("frame without the configured prefix", raw))
                    continue
                raw = raw[start + len(self.prefix) :]
            out.append(raw)


class SerialLink:
    """Owns one serial port: opens it, reads frames on a thread, reconnects after unplug.

    :param url: anything :func:`serial.serial_for_url` accepts.
    :param framer: splits the byte stream into frames (``feed``/``reset``).
    :param on_frame: called on the reader thread with each ``bytes`` frame or ``FrameError``.
    :param on_disconnect: called once per disconnect with a :class:`DeviceDisconnected`.
    :param on_reconnect: called when the port is open again after a disconnect.
    :param serial_options: keyword arguments for ``serial_for_url`` (``baudrate`` …).
    :param port_factory: replaces ``serial.serial_for_url`` (tests inject failing ports).
    """

    def __init__(
        self,
        url: str,
        framer: Any,
        *,
        on_frame: Callable[[Frame], None],
        on_disconnect: Callable[[DeviceDisconnected], None],
        on_reconnect: Callable[[], None],
        serial_options: dict[str, Any] | None = None,
        port_factory: Callable[..., Any] | None = None,
        max_backoff: float = 1.0,
        name: str = "serial",
    ) -> None:
        self.url = url
        self.framer = framer
        self.on_frame = on_frame
        self.on_disconnect = on_disconnect
        self.on_reconnect = on_reconnect
        self.serial_options = dict(serial_options or {})
        self.serial_options.setdefault("timeout", READ_TIMEOUT)
        self.port_factory = port_factory or serial.serial_for_url
        self.max_backoff = max_backoff
        self.name = name
        self._port: Any = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self.reconnect_attempts = 0

    @property
    def connected(self) -> bool:
        return self._port is not None

    def start(self) -> None:
        """Open the port and start the reader thread.

        If the port cannot be opened the thread still starts (and keeps retrying) and
        :class:`DeviceDisconnected` is raised so the device starts in ERROR.
        """
        if self._thread is not None:
            return
        self._stop.clear()
        error = self._try_open()
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-reader", daemon=True)
        self._thread.start()
        if error is not None:
            raise DeviceDisconnected(f"cannot open {self.url}: {error}", device=self.name)

    def close(self) -> None:
        """Stop the reader thread and close the port. Safe to call twice."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._close_port()
        self.framer.reset()

    def retry_now(self) -> None:
        """Skip the remaining backoff (the by-id watcher saw the device come back)."""
        self._wake.set()

    def write(self, data: bytes) -> None:
        port = self._port
        if port is None:
            raise DeviceDisconnected(f"{self.url} is not connected", device=self.name)
        try:
            with self._write_lock:
                port.write(data)
                port.flush()
        except (serial.SerialException, OSError) as exc:
            self._lost(exc)
            raise DeviceDisconnected(
                f"write to {self.url} failed: {exc}", device=self.name
            ) from exc

    # --- internals ---

    def _try_open(self) -> Exception | None:
        try:
            self._port = self.port_factory(self.url, **self.serial_options)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._port = None
            return exc
        return None

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()

    def _lost(self, exc: BaseException) -> None:
        if self._port is None or self._stop.is_set():
            return
        log.warning("%s: %s disconnected: %s", self.name, self.url, exc)
        self._close_port()
        self.framer.reset()  # a partial frame at unplug is discarded, never re-emitted
        self.on_disconnect(DeviceDisconnected(f"{self.url} disconnected: {exc}", device=self.name))

    def _run(self) -> None:
        delay = 0.05
        while not self._stop.is_set():
            port = self._port
            if port is None:
                self.reconnect_attempts += 1
                if self._try_open() is None:
                    delay = 0.05
                    self.framer.reset()
                    self.on_reconnect()
                    continue
                self._wake.wait(delay)
                self._wake.clear()
                delay = min(delay * 2, self.max_backoff)
                continue
            try:
                data = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial internals after close() from another thread
                if self._stop.is_set():
                    return
                self._lost(exc)
                continue
            if data and not self._stop.is_set():
                for frame in self.framer.feed(data):
                    try:
                        self.on_frame(frame)
                    except Exception:
                        log.exception("%s: frame handler failed", self.name)


class SerialLinkDriver:
    """What every driver on one serial link shares: its settings, opening and closing it.

    A driver calls :meth:`_init_link` in ``__init__`` and :meth:`_start_link` in ``open``,
    and implements ``_on_frame``.
    """

    url: str
    link: SerialLink | None

    def _init_link(
        self,
        url: str,
        baudrate: int,
        port_factory: Callable[..., Any] | None,
        max_backoff: float,
    ) -> None:
        self.url = url
        self._serial_options = {"baudrate": int(baudrate)}
        self._port_factory = port_factory
        self._max_backoff = max_backoff
        self.link = None

    def _start_link(self, framer: Any, sink: Any, label: str) -> None:
        self.link = SerialLink(
            self.url,
            framer,
            on_frame=self._on_frame,  # type: ignore[attr-defined]
            on_disconnect=sink.driver_disconnected,
            on_reconnect=sink.driver_reconnected,
            serial_options=self._serial_options,
            port_factory=self._port_factory,
            max_backoff=self._max_backoff,
            name=f"{label} {self.url}",
        )
        self.link.start()

    def _close_link(self) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None

    @property
    def link_connected(self) -> bool:
        return self.link is not None and self.link.connected
