"""A scan: what any scanner (serial, keyboard wedge, camera, simulator) produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Symbology(StrEnum):
    """Barcode families the kiosk cares about (names follow GS1 / zxing usage)."""

    EAN13 = "EAN13"
    EAN8 = "EAN8"
    UPCA = "UPCA"
    UPCE = "UPCE"
    CODE128 = "CODE128"
    ITF = "ITF"
    DATABAR = "DATABAR"
    DATABAR_EXPANDED = "DATABAR_EXPANDED"
    QR = "QR"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class Scan:
    """One decoded code. ``source`` names the device or plugin that read it."""

    code: str
    symbology: Symbology = Symbology.UNKNOWN
    source: str = "unknown"
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.code, str):
            raise TypeError("Scan.code must be a str")
