"""Simulated camera: returns a grey test frame, or the image given to ``show(image)``."""

from __future__ import annotations

from PIL import Image

from kiosk.devices.base import DriverSink
from kiosk.devices.camera import CameraDriver, Frame
from kiosk.devices.errors import DeviceDisconnected


class SimulatedCamera(CameraDriver):
    driver_name = "sim"

    def __init__(self, width: int = 320, height: int = 240) -> None:
        self.image = Image.new("L", (width, height), 128)
        self.connected = False

    def open(self, sink: DriverSink) -> None:
        self.connected = True

    def close(self) -> None:
        self.connected = False

    def check_health(self) -> str:
        return "ok" if self.connected else "disconnected"

    def show(self, image: Image.Image) -> None:
        """The next captures return this picture (e.g. a rendered QR code)."""
        self.image = image.convert("L") if image.mode not in ("L", "RGB") else image

    def drop_connection(self) -> None:
        self.connected = False

    def capture(self) -> Frame:
        if not self.connected:
            raise DeviceDisconnected("the simulated camera is unplugged")
        image = self.image
        return Frame(image.width, image.height, image.mode, image.tobytes())
