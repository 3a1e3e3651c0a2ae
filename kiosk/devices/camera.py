"""Camera: still frames for code reading (the decoding plugin) and for attendant review."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass

from PIL import Image

from kiosk.devices.base import Device, DeviceDriver


@dataclass(frozen=True, slots=True)
class Frame:
    width: int
    height: int
    mode: str  # Pillow mode: "L" or "RGB"
    data: bytes  # raw pixels, row by row

    def to_image(self) -> Image.Image:
        return Image.frombytes(self.mode, (self.width, self.height), self.data)


class CameraDriver(DeviceDriver):
    @abstractmethod
    def capture(self) -> Frame: ...


class Camera(Device):
    device_class = "Camera"
    driver: CameraDriver

    def capture(self) -> Frame:
        """Take one frame (I/O: call off the UI thread)."""
        with self._operation("capture"):
            return self.driver.capture()
